import {
  LEAD_COLUMNS,
  LEAD_KEY_COLUMNS,
  type LeadColumnEncoded,
  type LeadColumnName,
  type LeadValue,
  type MemoryEncoding,
} from '../../domain/lead-columns.js';
import { RECORD_TYPES, type RecordType } from '../../domain/lead.js';
import type { Utf8Column } from './utf8-column.js';

/**
 * The memory engine's columns, derived from the declaration of `crm_analytics_leads`
 * (src/domain/lead-columns.ts, its `memory` encodings): the physical columns of a store by array
 * type, the SQL its rows are read with (one expression per value, packed where that pays) and
 * where each value sits in a row. Only the engine's own columns are named here: the derived codes
 * (virtual stage, stage and product groups, which the aggregates group by) and the packed flags.
 */

// ---- The store's columns --------------------------------------------------------------------------

/** A dictionary-encoded group: its name is also the store's code column and the dictionary's name. */
export type DictionaryGroup = LeadColumnEncoded<'dictionary'>['memory']['group'];
type GroupColumnName<G extends DictionaryGroup> = Extract<LeadColumnEncoded<'dictionary'>, { readonly memory: { readonly group: G } }>['name'];
/** An entry of a group's dictionary: the values of the group's columns, by column name. */
export type GroupEntry<G extends DictionaryGroup> = { readonly [N in GroupColumnName<G>]: LeadValue<N> };

export type FlagColumn = LeadColumnEncoded<'flag'>['name'];
/** Money in whole cents has the column's name with `_cents`: `account_value_cents`. */
type CentsField = `${LeadColumnEncoded<'cents'>['name']}_cents`;
export type Float64Field = LeadColumnEncoded<'number' | 'instant'>['name'] | CentsField;
export type Utf8Field = LeadColumnEncoded<'utf8'>['name'];
/** Codes the engine derives from other columns when a row is added (lead-store-builder.ts). */
export type DerivedCodeField = 'virtualStage' | 'stageGroup' | 'productGroup';
/** record_id, the code of each dictionary group, the derived codes. */
export type Uint32Field = 'record_id' | DictionaryGroup | DerivedCodeField;
/** record_type as its code (RECORD_TYPE_CODES), the packed flags (FLAG_BITS). */
export type Uint8Field = 'record_type' | 'flags';

/**
 * One array per field, one slot per lead. Fields from the declaration carry a column's or a
 * group's name (snake_case); the engine's own are camelCase.
 */
export type StoreColumns = { readonly [F in Float64Field]: Float64Array } & { readonly [F in Uint32Field]: Uint32Array } & {
  readonly [F in Uint8Field]: Uint8Array;
} & { readonly [F in Utf8Field]: Utf8Column };

const namesEncoded = (kind: MemoryEncoding['kind']): LeadColumnName[] =>
  LEAD_COLUMNS.filter((column) => column.memory.kind === kind).map((column) => column.name);

// The store's order, key checksum and refresh are written for this key.
if (LEAD_KEY_COLUMNS.join() !== 'record_type,record_id') throw new Error('the row key is (record_type, record_id)');

export const FLOAT64_FIELDS = [
  ...namesEncoded('number'),
  ...namesEncoded('instant'),
  ...namesEncoded('cents').map((name) => `${name}_cents`),
] as readonly Float64Field[];
/** The columns of each dictionary group, in declaration order (the first and second key of its dictionary). */
export const GROUP_COLUMNS = {} as Readonly<Record<DictionaryGroup, readonly LeadColumnName[]>>;
for (const { name, memory } of LEAD_COLUMNS) {
  if (memory.kind === 'dictionary') ((GROUP_COLUMNS as Record<DictionaryGroup, LeadColumnName[]>)[memory.group] ??= []).push(name);
}
export const DICTIONARY_GROUPS = Object.keys(GROUP_COLUMNS) as readonly DictionaryGroup[];
export const UINT32_FIELDS: readonly Uint32Field[] = ['record_id', ...DICTIONARY_GROUPS, 'virtualStage', 'stageGroup', 'productGroup'];
export const UINT8_FIELDS: readonly Uint8Field[] = ['record_type', 'flags'];
export const UTF8_FIELDS = namesEncoded('utf8') as readonly Utf8Field[];

for (const group of DICTIONARY_GROUPS) {
  if (GROUP_COLUMNS[group].length > 2) throw new Error(`dictionary group ${group}: a dictionary has one or two keys`);
}

// ---- Codes and flags ------------------------------------------------------------------------------

/** Record types sort as their names do ('company' < 'prospect'), so codes order rows like SQL. */
export const RECORD_TYPE_CODES = Object.fromEntries(RECORD_TYPES.map((type, code) => [type, code])) as Record<RecordType, number>;
export const RECORD_TYPE_OF_CODE: readonly RecordType[] = RECORD_TYPES;

const FLAG_COLUMNS = namesEncoded('flag') as readonly FlagColumn[];
if (FLAG_COLUMNS.length > 8) throw new Error('the flags are packed into 8 bits');
/** The bit of each flag column in `flags`: the first flag column is bit 0. */
export const FLAG_BITS = Object.fromEntries(FLAG_COLUMNS.map((name, bit) => [name, 1 << bit])) as Readonly<Record<FlagColumn, number>>;
/** How many values `flags` takes. */
export const FLAG_COMBINATIONS = 1 << FLAG_COLUMNS.length;
export const WON = FLAG_BITS.is_won;
export const LOST = FLAG_BITS.is_lost;
export const SHIPMENT = FLAG_BITS.has_shipment;
export const RECHARGE = FLAG_BITS.has_recharge;

/** The flag columns' 0/1 values from packed flags. */
export function flagValuesOf(flags: number): Record<FlagColumn, 0 | 1> {
  const values = {} as Record<FlagColumn, 0 | 1>;
  for (const name of FLAG_COLUMNS) values[name] = flags & FLAG_BITS[name] ? 1 : 0;
  return values;
}

// ---- Reading rows -----------------------------------------------------------------------------------

/** A value of a row array and the field it fills. */
interface Placed<F> {
  readonly field: F;
  readonly at: number;
}

/** Where the values of a group's one or two columns sit, and whether each is a number (a driver may hand over a string). */
export interface PlacedGroup {
  readonly group: DictionaryGroup;
  readonly first: number;
  readonly firstNumeric: boolean;
  /** -1 for a group of one column. */
  readonly second: number;
  readonly secondNumeric: boolean;
}

/**
 * The SQL expressions a store's rows are read with, in declaration order, and where each value
 * sits in a row array: the key packed into one number (record type code × 2^32 + record_id), the
 * flags into one (Σ flag × bit), money rounded to cents as the SQL engine sums it (exact on MySQL's
 * and PostgreSQL's decimals), every other kept column as it is; columns not kept are not read.
 */
export interface RowLayout {
  readonly expressions: readonly string[];
  readonly key: number;
  readonly flags: number;
  /** number and cents */
  readonly numbers: readonly Placed<Float64Field>[];
  readonly instants: readonly Placed<Float64Field>[];
  readonly utf8: readonly Placed<Utf8Field>[];
  readonly groups: readonly PlacedGroup[];
}

export const KEY_TYPE_FACTOR = 2 ** 32;

function rowLayout(): RowLayout {
  const expressions: string[] = [];
  const add = (expression: string) => expressions.push(expression) - 1;
  let key = -1;
  let flags = -1;
  const numbers: Placed<Float64Field>[] = [];
  const instants: Placed<Float64Field>[] = [];
  const utf8: Placed<Utf8Field>[] = [];
  const dictionaryColumnAt = new Map<LeadColumnName, number>();
  for (const { name, memory } of LEAD_COLUMNS) {
    switch (memory.kind) {
      case 'key':
        if (key === -1) {
          const typeCode = RECORD_TYPES.map((type, code) => `when '${type}' then ${code * KEY_TYPE_FACTOR}`).join(' ');
          key = add(`(case record_type ${typeCode} end) + record_id`);
        }
        break;
      case 'flag':
        if (flags === -1) flags = add(FLAG_COLUMNS.map((flag) => `${flag} * ${FLAG_BITS[flag]}`).join(' + '));
        break;
      case 'number':
        numbers.push({ field: name as Float64Field, at: add(name) });
        break;
      case 'cents':
        numbers.push({ field: `${name}_cents` as Float64Field, at: add(`round(${name} * 100)`) });
        break;
      case 'instant':
        instants.push({ field: name as Float64Field, at: add(name) });
        break;
      case 'utf8':
        utf8.push({ field: name as Utf8Field, at: add(name) });
        break;
      case 'dictionary':
        dictionaryColumnAt.set(name, add(name));
        break;
      case 'none':
        break;
    }
  }
  const isNumeric = (name: LeadColumnName) => LEAD_COLUMNS.some((column) => column.name === name && (column.type === 'integer' || column.type === 'decimal'));
  const groups = DICTIONARY_GROUPS.map((group): PlacedGroup => {
    const [first, second] = GROUP_COLUMNS[group];
    if (first === undefined) throw new Error(`dictionary group ${group} has no column`);
    return {
      group,
      first: dictionaryColumnAt.get(first) ?? -1,
      firstNumeric: isNumeric(first),
      second: second === undefined ? -1 : (dictionaryColumnAt.get(second) ?? -1),
      secondNumeric: second !== undefined && isNumeric(second),
    };
  });
  return { expressions, key, flags, numbers, instants, utf8, groups };
}

export const ROW_LAYOUT: RowLayout = rowLayout();
