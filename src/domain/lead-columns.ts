import type { RecordType } from './lead.js';

/**
 * THE columns of `crm_analytics_leads` (SPEC §2), once, in the table's order: the Kysely table
 * type (src/db/schema.ts), the sync's select lists and upsert (src/sync/), and the memory engine's
 * columns, select list and decoding (src/engine/memory/) are all derived from this list. Column
 * names are a contract: never rename one. A column added here needs a new migration (released
 * migrations are never edited); test/lead-columns.test.ts checks that the migrated table and this
 * list agree.
 */

/** What a column holds. Datetimes are UTC; flags are 0/1. */
export type LeadColumnType = 'record_type' | 'integer' | 'decimal' | 'text' | 'flag' | 'datetime';

/**
 * How the memory engine keeps a column (docs/memory-engine.md):
 * - `key`: part of the row key, the table's primary key (record type as a code, record id as an
 *   unsigned 32-bit integer);
 * - `utf8`: text, one UTF-8 buffer with end offsets;
 * - `dictionary`: a code per row; the columns of one `group` (one or two) share one dictionary, whose
 *   entries hold their values together;
 * - `number`: a float, null as NaN;
 * - `cents`: `round(value × 100)`, as the SQL engine sums it, as a float;
 * - `flag`: one bit of the packed flags (the first flag column is bit 0, the next bit 1, …);
 * - `instant`: epoch milliseconds, null as NaN;
 * - `none`: not kept in memory.
 */
export type MemoryEncoding =
  | { readonly kind: 'key' | 'utf8' | 'number' | 'cents' | 'flag' | 'instant' | 'none' }
  | { readonly kind: 'dictionary'; readonly group: string };

export interface LeadColumnDeclaration {
  readonly name: string;
  readonly type: LeadColumnType;
  readonly nullable: boolean;
  readonly memory: MemoryEncoding;
}

const KEY = { kind: 'key' } as const;
const UTF8 = { kind: 'utf8' } as const;
const NUMBER = { kind: 'number' } as const;
const CENTS = { kind: 'cents' } as const;
const FLAG = { kind: 'flag' } as const;
const INSTANT = { kind: 'instant' } as const;
const NONE = { kind: 'none' } as const;
const dictionary = <G extends string>(group: G) => ({ kind: 'dictionary', group }) as const;

export const LEAD_COLUMNS = [
  { name: 'record_type', type: 'record_type', nullable: false, memory: KEY },
  { name: 'record_id', type: 'integer', nullable: false, memory: KEY },
  { name: 'name', type: 'text', nullable: false, memory: UTF8 },
  { name: 'salesman_id', type: 'integer', nullable: true, memory: dictionary('salesman') },
  { name: 'salesman_name', type: 'text', nullable: true, memory: dictionary('salesman') },
  { name: 'locale_id', type: 'integer', nullable: false, memory: dictionary('locale') },
  { name: 'locale_rate', type: 'decimal', nullable: false, memory: dictionary('locale') },
  { name: 'tier', type: 'integer', nullable: true, memory: dictionary('tier') },
  { name: 'stage_id', type: 'integer', nullable: false, memory: NONE },
  { name: 'stage_name', type: 'text', nullable: false, memory: dictionary('stage') },
  { name: 'stage_color', type: 'text', nullable: false, memory: dictionary('stage') },
  { name: 'product', type: 'text', nullable: true, memory: dictionary('product') },
  { name: 'monthly_shipments', type: 'integer', nullable: false, memory: NUMBER },
  { name: 'account_value', type: 'decimal', nullable: false, memory: CENTS },
  { name: 'is_won', type: 'flag', nullable: false, memory: FLAG },
  { name: 'is_lost', type: 'flag', nullable: false, memory: FLAG },
  { name: 'won_at', type: 'datetime', nullable: true, memory: INSTANT },
  { name: 'closing_days', type: 'integer', nullable: true, memory: NUMBER },
  { name: 'has_shipment', type: 'flag', nullable: false, memory: FLAG },
  { name: 'has_recharge', type: 'flag', nullable: false, memory: FLAG },
  { name: 'last_activity_at', type: 'datetime', nullable: true, memory: INSTANT },
  { name: 'created_at', type: 'datetime', nullable: false, memory: INSTANT },
  { name: 'synced_at', type: 'datetime', nullable: false, memory: NONE },
] as const satisfies readonly LeadColumnDeclaration[];

export type LeadColumn = (typeof LEAD_COLUMNS)[number];
export type LeadColumnName = LeadColumn['name'];
/** The declaration of column `N`. */
export type LeadColumnNamed<N extends LeadColumnName> = Extract<LeadColumn, { readonly name: N }>;
/** The columns kept in memory with encoding `K`. */
export type LeadColumnEncoded<K extends MemoryEncoding['kind']> = Extract<LeadColumn, { readonly memory: { readonly kind: K } }>;

/** A column's value in the domain's terms: datetimes as epoch milliseconds, flags 0/1. */
interface ValueOfType {
  readonly record_type: RecordType;
  readonly integer: number;
  readonly decimal: number;
  readonly text: string;
  readonly flag: number;
  readonly datetime: number;
}
export type LeadValue<N extends LeadColumnName> =
  | ValueOfType[LeadColumnNamed<N>['type']]
  | (LeadColumnNamed<N>['nullable'] extends true ? null : never);

export const LEAD_COLUMN_NAMES: readonly LeadColumnName[] = LEAD_COLUMNS.map((column) => column.name);
/** The primary key, (record_type, record_id): the columns kept as the row key. */
export const LEAD_KEY_COLUMNS: readonly LeadColumnName[] = LEAD_COLUMNS.filter((column) => column.memory.kind === 'key').map(
  (column) => column.name,
);
/** The columns an upsert overwrites: all but the key. */
export const LEAD_VALUE_COLUMNS: readonly LeadColumnName[] = LEAD_COLUMN_NAMES.filter((name) => !LEAD_KEY_COLUMNS.includes(name));
