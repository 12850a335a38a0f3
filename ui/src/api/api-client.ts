import type { AnalyticsPayload } from '@domain/analytics-payload.js';
import type { FilterOptions } from '@domain/filter-options.js';
import type { StageHistoryPayload } from '@domain/stage-history.js';
import type { TrendsPayload } from '@domain/trends.js';

export const ANALYTICS_PATH = '/prospects/client-analytics';
export const FILTER_OPTIONS_PATH = '/crm/analytics/filter-options';
export const TRENDS_PATH = '/prospects/client-analytics/trends';
export const STAGE_HISTORY_PATH = '/prospects/client-analytics/stages';

/** Why a request failed, in the terms the dashboard shows them. */
export type ApiFailure =
  | { readonly kind: 'unauthorized'; readonly message: string }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'invalid-parameter'; readonly message: string }
  | { readonly kind: 'http-error'; readonly status: number; readonly message: string }
  | { readonly kind: 'network'; readonly message: string };

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
  }
}

/** The `message` of a hapi (Boom) error body, when there is one. */
async function boomMessage(response: Response): Promise<string | null> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
      return body.message;
    }
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return null;
}

export async function failureOf(response: Response): Promise<ApiFailure> {
  const message = (await boomMessage(response)) ?? response.statusText;
  switch (response.status) {
    case 401:
      return { kind: 'unauthorized', message };
    case 403:
      return { kind: 'forbidden', message };
    case 422:
      return { kind: 'invalid-parameter', message };
    default:
      return { kind: 'http-error', status: response.status, message };
  }
}

export type Fetch = typeof fetch;

export interface ApiClient {
  analytics(query: URLSearchParams, signal?: AbortSignal): Promise<AnalyticsPayload>;
  filterOptions(signal?: AbortSignal): Promise<FilterOptions>;
  /** The trend series (SPEC §11): the analytics query plus `interval`. */
  trends(query: URLSearchParams, signal?: AbortSignal): Promise<TrendsPayload>;
  stageHistory(query: URLSearchParams, signal?: AbortSignal): Promise<StageHistoryPayload>;
}

/** GETs JSON with the admin token; every failure becomes an ApiError. */
export function createApiClient(token: string, fetchImpl: Fetch = (input, init) => fetch(input, init)): ApiClient {
  async function getJson<T>(path: string, query: URLSearchParams | null, signal?: AbortSignal): Promise<T> {
    const queryText = query?.toString() ?? '';
    const search = queryText === '' ? '' : `?${queryText}`;
    let response: Response;
    try {
      response = await fetchImpl(`${path}${search}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${token}` },
        ...(signal ? { signal } : {}),
        // The browser keeps answers and revalidates them: an unchanged answer (the same ETag) is a
        // 304 without a body, and the browser hands back the copy it has.
        cache: 'no-cache',
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError({ kind: 'network', message: error instanceof Error ? error.message : String(error) });
    }
    if (!response.ok) throw new ApiError(await failureOf(response));
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError({ kind: 'http-error', status: response.status, message: 'the server sent something that is not JSON' });
    }
  }
  return {
    analytics: (query, signal) => getJson<AnalyticsPayload>(ANALYTICS_PATH, query, signal),
    filterOptions: (signal) => getJson<FilterOptions>(FILTER_OPTIONS_PATH, null, signal),
    trends: (query, signal) => getJson<TrendsPayload>(TRENDS_PATH, query, signal),
    stageHistory: (query, signal) => getJson<StageHistoryPayload>(STAGE_HISTORY_PATH, query, signal),
  };
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
