import type { Server, ServerInjectResponse } from '@hapi/hapi';
import { adminToken } from './analytics-fixtures.js';

export const LEADS_URL = '/prospects/client-analytics/leads';

/** `GET /prospects/client-analytics/leads?query` with an admin token (null: none). */
export function getLeads(server: Server, query: string, token: string | null = adminToken()): Promise<ServerInjectResponse> {
  return server.inject({
    method: 'GET',
    url: query === '' ? LEADS_URL : `${LEADS_URL}?${query}`,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}
