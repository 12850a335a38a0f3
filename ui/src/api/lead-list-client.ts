import type { PayloadMeta } from '@domain/analytics-payload.js';
import type { LeadListRow } from '@domain/lead-list.js';
import { ApiError, failureOf, type Fetch } from './api-client.js';

export const LEAD_LIST_PATH = '/prospects/client-analytics/leads';

export interface LeadListPageBody {
  readonly total: number;
  readonly leads: readonly LeadListRow[];
  readonly next_cursor: string | null;
  readonly meta: PayloadMeta;
}

export interface LeadListCsvFile {
  readonly fileName: string;
  readonly blob: Blob;
}

/**
 * The lead list of SPEC §10 for the dashboard. The token travels in the Authorization header only:
 * never in a URL (which browsers, proxies and the server's request log keep), so the CSV is
 * fetched, not linked, and handed to the browser as a Blob.
 */
export function createLeadListClient(token: string, fetchImpl: Fetch = (input, init) => fetch(input, init)) {
  async function get(query: URLSearchParams, accept: string, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetchImpl(`${LEAD_LIST_PATH}?${query.toString()}`, {
        headers: { accept, authorization: `Bearer ${token}` },
        ...(signal ? { signal } : {}),
        cache: 'no-store',
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError({ kind: 'network', message: error instanceof Error ? error.message : String(error) });
    }
    if (!response.ok) throw new ApiError(await failureOf(response));
    return response;
  }
  return {
    async page(query: URLSearchParams, signal?: AbortSignal): Promise<LeadListPageBody> {
      return (await (await get(query, 'application/json', signal)).json()) as LeadListPageBody;
    },
    async csv(query: URLSearchParams, signal?: AbortSignal): Promise<LeadListCsvFile> {
      const csvQuery = new URLSearchParams(query);
      csvQuery.delete('limit');
      csvQuery.delete('cursor');
      csvQuery.set('format', 'csv');
      const response = await get(csvQuery, 'text/csv', signal);
      const disposition = response.headers.get('content-disposition') ?? '';
      const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'crm-leads.csv';
      return { fileName, blob: await response.blob() };
    },
  };
}
