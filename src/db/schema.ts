import type { ColumnType, Generated } from 'kysely';
import type { LeadColumn } from '../domain/lead-columns.js';
import type { RecordType } from '../domain/lead.js';
import type { SnapshotPresetKey } from '../domain/presets.js';

/**
 * Kysely's view of every table this service touches. Datetimes travel as UTC strings
 * `YYYY-MM-DD HH:MM:SS[.SSS]` in both directions on every dialect (see ./datetime.ts),
 * booleans as 0/1, and decimals come back as numbers (each dialect's driver is set up so).
 */
export type DbDateTime = string;
export type DbBoolean = number;
/** An `id` the database may generate, which tests and the seeder may also set explicitly. */
type Id = Generated<number>;
/** Aggregates and decimals arrive as numbers, but a driver may hand them over as strings. */
type Numeric = ColumnType<number, number | string, number | string>;

// ---- CRM source tables (SPEC §1) -------------------------------------------------------------

export interface LocalesTable {
  id: Id;
  code: string;
  name: string;
  currency: string;
  rate: Numeric;
}

export interface SalesmenTable {
  id: Id;
  name: string;
  email: string | null;
  active: DbBoolean;
  created_at: DbDateTime;
}

export interface CrmStagesTable {
  id: Id;
  name: string;
  color: string;
  position: number;
}

export interface CompaniesTable {
  id: Id;
  name: string;
  locale_id: number;
  salesman_id: number | null;
  created_at: DbDateTime;
  updated_at: DbDateTime | null;
  deleted_at: DbDateTime | null;
}

export interface ProspectionUsersTable {
  id: Id;
  company_name: string;
  contact_name: string | null;
  email: string | null;
  locale_id: number;
  salesman_id: number | null;
  company_id: number | null;
  is_disqualified: DbBoolean;
  created_at: DbDateTime;
  updated_at: DbDateTime | null;
  deleted_at: DbDateTime | null;
}

export interface FollowUpDataTable {
  id: Id;
  company_id: number | null;
  prospect_id: number | null;
  stage_id: number;
  product: string | null;
  monthly_shipments: number;
  account_value: Numeric;
  is_won: DbBoolean;
  is_lost: DbBoolean;
  won_at: DbDateTime | null;
  created_at: DbDateTime;
}

export interface FollowUpCommentsTable {
  id: Id;
  company_id: number;
  salesman_id: number | null;
  comment: string;
  created_at: DbDateTime;
}

export interface ProspectFollowUpCommentsTable {
  id: Id;
  prospect_id: number;
  salesman_id: number | null;
  comment: string;
  created_at: DbDateTime;
}

export interface ShipmentsTable {
  id: Id;
  company_id: number;
  created_at: DbDateTime;
}

export interface PaymentHistoryTable {
  id: Id;
  company_id: number;
  amount: Numeric;
  created_at: DbDateTime;
}

export interface CompanyMonthlyTiersTable {
  id: Id;
  company_id: number;
  /** `YYYY-MM-01` */
  month: string;
  tier: number;
  created_at: DbDateTime;
}

export interface SourceTables {
  locales: LocalesTable;
  salesmen: SalesmenTable;
  crm_stages: CrmStagesTable;
  companies: CompaniesTable;
  prospection_users: ProspectionUsersTable;
  follow_up_data: FollowUpDataTable;
  follow_up_comments: FollowUpCommentsTable;
  prospect_follow_up_comments: ProspectFollowUpCommentsTable;
  shipments: ShipmentsTable;
  payment_history: PaymentHistoryTable;
  company_monthly_tiers: CompanyMonthlyTiersTable;
}

// ---- Tables owned by the service (SPEC §2) -----------------------------------------------------

/** Kysely's type of each logical column type of `crm_analytics_leads`. */
interface LeadColumnDbType {
  record_type: RecordType;
  integer: number;
  decimal: Numeric;
  text: string;
  flag: DbBoolean;
  datetime: DbDateTime;
}

/** `crm_analytics_leads`, from the declaration of its columns (src/domain/lead-columns.ts). */
export type CrmAnalyticsLeadsTable = {
  [C in LeadColumn as C['name']]: LeadColumnDbType[C['type']] | (C['nullable'] extends true ? null : never);
};

export type SyncStatus = 'running' | 'ok' | 'failed';

export interface CrmAnalyticsSyncLogTable {
  id: Generated<number>;
  started_at: DbDateTime;
  finished_at: DbDateTime | null;
  watermark: DbDateTime | null;
  dirty_count: number | null;
  rolling_count: number | null;
  upserted_count: number | null;
  deleted_count: number | null;
  duration_ms: number | null;
  status: SyncStatus;
  error: string | null;
}

/** A lease on a named piece of work (SQLite's sync lock); see migration 0002. */
export interface CrmAnalyticsLocksTable {
  name: string;
  /** A random token of the holding process. */
  owner: string;
  acquired_at: DbDateTime;
  expires_at: DbDateTime;
}

/** `crm_analytics_stage_visits` (SPEC §12, migration 0003): one row per visit of a lead to a stage. */
export interface CrmAnalyticsStageVisitsTable {
  record_type: RecordType;
  record_id: number;
  /** 1, 2, … in follow-up id order. */
  seq: number;
  stage_id: number;
  entered_at: DbDateTime;
  /** Null for the lead's current visit. */
  left_at: DbDateTime | null;
}

export interface CrmAnalyticsSnapshotsTable {
  cache_key: string;
  preset: SnapshotPresetKey | null;
  /** `YYYY-MM-DD`, null for the all-time key */
  start_date: string | null;
  end_date: string | null;
  /** normalised list `1,3`; empty string when the request had none */
  locale_ids: string;
  payload: string;
  generation: number;
  built_at: DbDateTime;
}

export interface ServiceTables {
  crm_analytics_leads: CrmAnalyticsLeadsTable;
  crm_analytics_sync_log: CrmAnalyticsSyncLogTable;
  crm_analytics_snapshots: CrmAnalyticsSnapshotsTable;
  crm_analytics_locks: CrmAnalyticsLocksTable;
  crm_analytics_stage_visits: CrmAnalyticsStageVisitsTable;
}

export interface Database extends SourceTables, ServiceTables {}

export const SOURCE_TABLE_NAMES = [
  'locales',
  'salesmen',
  'crm_stages',
  'companies',
  'prospection_users',
  'follow_up_data',
  'follow_up_comments',
  'prospect_follow_up_comments',
  'shipments',
  'payment_history',
  'company_monthly_tiers',
] as const satisfies readonly (keyof SourceTables)[];

export const SERVICE_TABLE_NAMES = [
  'crm_analytics_leads',
  'crm_analytics_sync_log',
  'crm_analytics_snapshots',
  'crm_analytics_locks',
  'crm_analytics_stage_visits',
] as const satisfies readonly (keyof ServiceTables)[];
