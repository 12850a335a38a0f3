import { parseDbDateTime } from '../../db/datetime.js';
import type { DictionaryKey } from './dictionary.js';
import { KEY_TYPE_FACTOR } from './store-columns.js';

/**
 * The values of rows read as arrays (ROW_LAYOUT), one column at a time: each function is a plain
 * loop over rows [from, to) that writes slots base + from … of one typed array, and is only ever
 * called with arrays of one type, so V8 keeps it monomorphic. Drivers hand numbers over as numbers
 * (SQLite; MySQL and PostgreSQL are set up so), a string is read as one all the same.
 */
export type RowArrays = readonly (readonly unknown[])[];

const asNumber = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

/** The packed key, record type code × 2^32 + record_id. */
export function decodeKeys(rows: RowArrays, from: number, to: number, at: number, types: Uint8Array, ids: Uint32Array, base: number): void {
  for (let index = from; index < to; index++) {
    const key = asNumber((rows[index] as readonly unknown[])[at]);
    const type = Math.floor(key / KEY_TYPE_FACTOR);
    types[base + index] = type;
    ids[base + index] = key - type * KEY_TYPE_FACTOR;
  }
}

/** The record_id of a packed key. */
export function recordIdOfKey(key: unknown): number {
  return asNumber(key) % KEY_TYPE_FACTOR;
}

export function decodeSmallIntegers(rows: RowArrays, from: number, to: number, at: number, target: Uint8Array, base: number): void {
  for (let index = from; index < to; index++) target[base + index] = asNumber((rows[index] as readonly unknown[])[at]);
}

/** Numbers, null as NaN. */
export function decodeNumbers(rows: RowArrays, from: number, to: number, at: number, target: Float64Array, base: number): void {
  for (let index = from; index < to; index++) {
    const value = (rows[index] as readonly unknown[])[at];
    target[base + index] = value === null ? Number.NaN : asNumber(value);
  }
}

/** UTC datetimes as epoch milliseconds, null as NaN. */
export function decodeInstants(rows: RowArrays, from: number, to: number, at: number, target: Float64Array, base: number): void {
  for (let index = from; index < to; index++) {
    const value = (rows[index] as readonly unknown[])[at] as string | null;
    target[base + index] = value === null ? Number.NaN : parseDbDateTime(value);
  }
}

/** A value as a dictionary key: a number column's value always as a number, so one value has one code. */
const keyOf = (value: unknown, numeric: boolean): DictionaryKey =>
  numeric && typeof value === 'string' ? Number(value) : (value as DictionaryKey);

/** The codes of the values at `first` and `second` (-1: a group of one column) in `dictionary`. */
export function encodeGroup(
  rows: RowArrays,
  from: number,
  to: number,
  group: { readonly first: number; readonly firstNumeric: boolean; readonly second: number; readonly secondNumeric: boolean },
  dictionary: { encode(first: DictionaryKey, second?: DictionaryKey): number },
  target: Uint32Array,
  base: number,
): void {
  const { first, firstNumeric, second, secondNumeric } = group;
  for (let index = from; index < to; index++) {
    const row = rows[index] as readonly unknown[];
    target[base + index] = dictionary.encode(keyOf(row[first], firstNumeric), second === -1 ? null : keyOf(row[second], secondNumeric));
  }
}
