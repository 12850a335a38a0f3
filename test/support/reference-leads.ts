import type { Selectable } from 'kysely';
import { parseDbDateTime } from '../../src/db/datetime.js';
import type { SourceTables } from '../../src/db/schema.js';

/**
 * An independent, pure-JS reading of SPEC §1–2: what `crm_analytics_leads` must hold for a CRM,
 * built from scratch. It shares no code with the sync, so a bug in one shows against the other.
 */

export type SourceTableName = keyof SourceTables;
export type SourceRow<T extends SourceTableName> = Selectable<SourceTables[T]>;
/** A whole CRM in memory: every source table's rows. */
export type CrmModel = { [T in SourceTableName]: SourceRow<T>[] };

export function emptyCrm(): CrmModel {
  return {
    locales: [],
    salesmen: [],
    crm_stages: [],
    companies: [],
    prospection_users: [],
    follow_up_data: [],
    follow_up_comments: [],
    prospect_follow_up_comments: [],
    shipments: [],
    payment_history: [],
    company_monthly_tiers: [],
  };
}

/** A lead row with datetimes as epoch ms and numbers as numbers: what tests compare (no `synced_at`). */
export interface ComparableLead {
  record_type: 'company' | 'prospect';
  record_id: number;
  name: string;
  salesman_id: number | null;
  salesman_name: string | null;
  locale_id: number;
  locale_rate: number;
  tier: number | null;
  stage_id: number;
  stage_name: string;
  stage_color: string;
  product: string | null;
  monthly_shipments: number;
  account_value: number;
  is_won: number;
  is_lost: number;
  won_at: number | null;
  closing_days: number | null;
  has_shipment: number;
  has_recharge: number;
  last_activity_at: number | null;
  created_at: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const ms = (value: string | Date) => parseDbDateTime(value);
const nullableMs = (value: string | Date | null) => (value === null ? null : ms(value));
const byKey = (a: ComparableLead, b: ComparableLead) =>
  a.record_type === b.record_type ? a.record_id - b.record_id : a.record_type < b.record_type ? -1 : 1;

function latestBy<T>(rows: readonly T[], isLater: (candidate: T, best: T) => boolean): T | undefined {
  let best: T | undefined;
  for (const row of rows) if (best === undefined || isLater(row, best)) best = row;
  return best;
}

export function referenceLeads(crm: CrmModel): ComparableLead[] {
  const locales = new Map(crm.locales.map((row) => [row.id, row]));
  const salesmen = new Map(crm.salesmen.map((row) => [row.id, row]));
  const stages = new Map(crm.crm_stages.map((row) => [row.id, row]));
  const leads: ComparableLead[] = [];

  const build = (
    record_type: 'company' | 'prospect',
    record: { id: number; locale_id: number; salesman_id: number | null; created_at: string },
    name: string,
    followUps: SourceRow<'follow_up_data'>[],
    comments: { created_at: string }[],
    extra: { tier: number | null; has_shipment: number; has_recharge: number },
  ) => {
    const current = latestBy(followUps, (candidate, best) => candidate.id > best.id);
    if (current === undefined) return;
    const locale = locales.get(record.locale_id);
    const stage = stages.get(current.stage_id);
    // A lead whose locale or stage row is missing cannot be denormalized (documented in docs/sync.md).
    if (locale === undefined || stage === undefined) return;
    const salesman = record.salesman_id === null ? undefined : salesmen.get(record.salesman_id);
    const createdAt = ms(record.created_at);
    const wonAt = nullableMs(current.won_at);
    const lastComment = latestBy(comments, (candidate, best) => ms(candidate.created_at) > ms(best.created_at));
    leads.push({
      record_type,
      record_id: record.id,
      name,
      salesman_id: record.salesman_id,
      salesman_name: salesman?.name ?? null,
      locale_id: record.locale_id,
      locale_rate: Number(locale.rate),
      tier: extra.tier,
      stage_id: current.stage_id,
      stage_name: stage.name,
      stage_color: stage.color,
      product: current.product,
      monthly_shipments: current.monthly_shipments,
      account_value: Number(current.account_value),
      is_won: current.is_won,
      is_lost: current.is_lost,
      won_at: wonAt,
      closing_days: wonAt === null ? null : Math.floor((wonAt - createdAt) / DAY_MS),
      has_shipment: extra.has_shipment,
      has_recharge: extra.has_recharge,
      last_activity_at: lastComment ? ms(lastComment.created_at) : null,
      created_at: createdAt,
    });
  };

  for (const company of crm.companies) {
    if (company.deleted_at !== null) continue;
    const tier = latestBy(
      crm.company_monthly_tiers.filter((row) => row.company_id === company.id),
      (candidate, best) => candidate.month > best.month || (candidate.month === best.month && candidate.id > best.id),
    );
    build(
      'company',
      company,
      company.name,
      crm.follow_up_data.filter((row) => row.company_id === company.id),
      crm.follow_up_comments.filter((row) => row.company_id === company.id),
      {
        tier: tier?.tier ?? null,
        has_shipment: crm.shipments.some((row) => row.company_id === company.id) ? 1 : 0,
        has_recharge: crm.payment_history.some((row) => row.company_id === company.id) ? 1 : 0,
      },
    );
  }
  for (const prospect of crm.prospection_users) {
    if (prospect.deleted_at !== null || prospect.is_disqualified !== 0 || prospect.company_id !== null) continue;
    build(
      'prospect',
      prospect,
      prospect.company_name,
      crm.follow_up_data.filter((row) => row.prospect_id === prospect.id),
      crm.prospect_follow_up_comments.filter((row) => row.prospect_id === prospect.id),
      { tier: null, has_shipment: 0, has_recharge: 0 },
    );
  }
  return leads.sort(byKey);
}

/** A row read from `crm_analytics_leads` on any dialect, in the comparable form (drops `synced_at`). */
export function comparableLead(row: Record<string, unknown>): ComparableLead {
  const number = (key: string) => Number(row[key]);
  const nullableNumber = (key: string) => (row[key] === null ? null : Number(row[key]));
  const text = (key: string) => row[key] as string;
  const nullableText = (key: string) => row[key] as string | null;
  return {
    record_type: text('record_type') as 'company' | 'prospect',
    record_id: number('record_id'),
    name: text('name'),
    salesman_id: nullableNumber('salesman_id'),
    salesman_name: nullableText('salesman_name'),
    locale_id: number('locale_id'),
    locale_rate: number('locale_rate'),
    tier: nullableNumber('tier'),
    stage_id: number('stage_id'),
    stage_name: text('stage_name'),
    stage_color: text('stage_color'),
    product: nullableText('product'),
    monthly_shipments: number('monthly_shipments'),
    account_value: number('account_value'),
    is_won: number('is_won'),
    is_lost: number('is_lost'),
    won_at: nullableMs(row.won_at as string | null),
    closing_days: nullableNumber('closing_days'),
    has_shipment: number('has_shipment'),
    has_recharge: number('has_recharge'),
    last_activity_at: nullableMs(row.last_activity_at as string | null),
    created_at: ms(row.created_at as string),
  };
}

export function comparableLeads(rows: readonly Record<string, unknown>[]): ComparableLead[] {
  return rows.map(comparableLead).sort(byKey);
}
