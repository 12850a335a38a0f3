import type { Server, ServerInjectResponse } from '@hapi/hapi';
import type { Insertable, Kysely } from 'kysely';
import { issueAdminToken } from '../../src/auth/tokens.js';
import { formatDbDateTime } from '../../src/db/datetime.js';
import type { CrmAnalyticsLeadsTable, Database, SyncStatus } from '../../src/db/schema.js';
import type { AnalyticsPayload } from '../../src/domain/analytics-payload.js';
import { closingDaysOf, type RecordType } from '../../src/domain/lead.js';
import { TEST_JWT_SECRET } from './test-application.js';

/** An instant written the way tests read best: `2026-04-01 10:00`, `2026-04-01T10:00:00.500Z`. */
export function instant(text: string): number {
  const iso = text.includes('T') ? text : `${text.replace(' ', 'T')}${text.length <= 10 ? 'T00:00' : ''}`;
  const withZone = /Z|[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`;
  const value = Date.parse(withZone);
  if (Number.isNaN(value)) throw new Error(`not an instant: ${text}`);
  return value;
}

/** A row of `crm_analytics_leads` as the sync would write it, from the fields a test cares about. */
export interface LeadFixture {
  readonly type?: RecordType;
  readonly id: number;
  readonly name?: string;
  /** [id, name]; omitted = unassigned */
  readonly salesman?: readonly [number, string];
  readonly locale?: number;
  readonly rate?: number;
  readonly tier?: number | null;
  readonly stage?: string;
  readonly color?: string;
  readonly product?: string | null;
  readonly shipments?: number;
  readonly value?: number;
  readonly won?: boolean;
  readonly lost?: boolean;
  readonly wonAt?: string | null;
  readonly hasShipment?: boolean;
  readonly hasRecharge?: boolean;
  readonly created: string;
}

export const SYNCED_AT = '2026-04-17 11:00:00';

export type LeadRow = Insertable<CrmAnalyticsLeadsTable>;

export function leadRow(fixture: LeadFixture): LeadRow {
  const createdAt = instant(fixture.created);
  const wonAt = fixture.wonAt ? instant(fixture.wonAt) : null;
  return {
    record_type: fixture.type ?? 'company',
    record_id: fixture.id,
    name: fixture.name ?? `Lead ${fixture.type ?? 'company'} ${fixture.id}`,
    salesman_id: fixture.salesman?.[0] ?? null,
    salesman_name: fixture.salesman?.[1] ?? null,
    locale_id: fixture.locale ?? 1,
    locale_rate: fixture.rate ?? 1,
    tier: fixture.tier ?? null,
    stage_id: 1,
    stage_name: fixture.stage ?? 'contactado',
    stage_color: fixture.color ?? 'primary',
    product: fixture.product ?? null,
    monthly_shipments: fixture.shipments ?? 0,
    account_value: fixture.value ?? 0,
    is_won: fixture.won ? 1 : 0,
    is_lost: fixture.lost ? 1 : 0,
    won_at: wonAt === null ? null : formatDbDateTime(wonAt),
    closing_days: closingDaysOf(createdAt, wonAt),
    has_shipment: fixture.hasShipment ? 1 : 0,
    has_recharge: fixture.hasRecharge ? 1 : 0,
    last_activity_at: null,
    created_at: formatDbDateTime(createdAt),
    synced_at: SYNCED_AT,
  };
}

export async function insertLeads(db: Kysely<Database>, rows: readonly LeadRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) {
    await db.insertInto('crm_analytics_leads').values(rows.slice(start, start + 200)).execute();
  }
}

/** Empties what the analytics read, so each test starts from its own data. */
export async function clearAnalytics(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('crm_analytics_leads').execute();
  await db.deleteFrom('crm_analytics_snapshots').execute();
  await db.deleteFrom('crm_analytics_sync_log').execute();
  await db.deleteFrom('crm_stages').execute();
}

export async function insertStages(db: Kysely<Database>, stages: readonly (readonly [string, string])[]): Promise<void> {
  if (stages.length === 0) return;
  await db
    .insertInto('crm_stages')
    .values(stages.map(([name, color], index) => ({ name, color, position: index + 1 })))
    .execute();
}

/** Logs a sync run and returns its id (the snapshot generation). */
export async function insertSyncRun(
  db: Kysely<Database>,
  run: { status?: SyncStatus; watermark: string; startedAt?: string },
): Promise<number> {
  const watermark = formatDbDateTime(instant(run.watermark));
  await db
    .insertInto('crm_analytics_sync_log')
    .values({
      started_at: run.startedAt ? formatDbDateTime(instant(run.startedAt)) : watermark,
      finished_at: watermark,
      watermark,
      dirty_count: 0,
      rolling_count: 0,
      upserted_count: 0,
      deleted_count: 0,
      duration_ms: 1,
      status: run.status ?? 'ok',
      error: null,
    })
    .execute();
  const row = await db.selectFrom('crm_analytics_sync_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
  return Number(row.id);
}

export function adminToken(options: { permissions?: string[]; now?: number } = {}): string {
  return issueAdminToken(TEST_JWT_SECRET, {
    permissions: options.permissions ?? ['crm-menu'],
    // Tokens are checked against the real clock, whatever the application's clock says.
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

export const ANALYTICS_URL = '/prospects/client-analytics';

export function getAnalytics(server: Server, query = '', token: string | null = adminToken()): Promise<ServerInjectResponse> {
  return server.inject({
    method: 'GET',
    url: query === '' ? ANALYTICS_URL : `${ANALYTICS_URL}?${query}`,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

/** The payload of a 200 response, failing with the body when it is not one. */
export function payloadOf(response: ServerInjectResponse): AnalyticsPayload {
  if (response.statusCode !== 200) throw new Error(`expected 200, got ${response.statusCode}: ${response.payload}`);
  return JSON.parse(response.payload) as AnalyticsPayload;
}

/** The payload without meta, for comparing bodies. */
export function bodyOf(response: ServerInjectResponse): Omit<AnalyticsPayload, 'meta'> {
  const { meta: _meta, ...body } = payloadOf(response);
  return body;
}
