import type { SourceTables } from '../db/schema.js';

export type SourceTableName = keyof SourceTables;

/** Column order of the rows the demo generator emits, per CRM source table. */
export const SOURCE_COLUMNS = {
  locales: ['id', 'code', 'name', 'currency', 'rate'],
  salesmen: ['id', 'name', 'email', 'active', 'created_at'],
  crm_stages: ['id', 'name', 'color', 'position'],
  companies: ['id', 'name', 'locale_id', 'salesman_id', 'created_at', 'updated_at', 'deleted_at'],
  prospection_users: [
    'id', 'company_name', 'contact_name', 'email', 'locale_id', 'salesman_id', 'company_id',
    'is_disqualified', 'created_at', 'updated_at', 'deleted_at',
  ],
  follow_up_data: [
    'id', 'company_id', 'prospect_id', 'stage_id', 'product', 'monthly_shipments', 'account_value',
    'is_won', 'is_lost', 'won_at', 'created_at',
  ],
  follow_up_comments: ['id', 'company_id', 'salesman_id', 'comment', 'created_at'],
  prospect_follow_up_comments: ['id', 'prospect_id', 'salesman_id', 'comment', 'created_at'],
  shipments: ['id', 'company_id', 'created_at'],
  payment_history: ['id', 'company_id', 'amount', 'created_at'],
  company_monthly_tiers: ['id', 'company_id', 'month', 'tier', 'created_at'],
} as const satisfies { readonly [T in SourceTableName]: readonly (keyof SourceTables[T] & string)[] };

/** Tables in the order a batch is written (reference data first). */
export const SOURCE_TABLE_WRITE_ORDER = Object.keys(SOURCE_COLUMNS) as SourceTableName[];

export type SourceRow = unknown[];
export type SourceRows = { [T in SourceTableName]: SourceRow[] };

export function emptySourceRows(): SourceRows {
  return Object.fromEntries(SOURCE_TABLE_WRITE_ORDER.map((table) => [table, []])) as unknown as SourceRows;
}
