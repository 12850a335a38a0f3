import type { DataGeneration } from '../../domain/data-generation.js';
import type { LeadDictionaries } from './lead-dictionaries.js';
import type { LeadStore } from './lead-store.js';
import { decodeInstants, decodeKeys, decodeNumbers, decodeSmallIntegers, encodeGroup, type RowArrays } from './row-decoding.js';
import {
  FLAG_COMBINATIONS,
  FLOAT64_FIELDS,
  ROW_LAYOUT,
  UINT32_FIELDS,
  UINT8_FIELDS,
  UTF8_FIELDS,
  type Float64Field,
  type StoreColumns,
  type Uint32Field,
  type Uint8Field,
  type Utf8Field,
} from './store-columns.js';
import { storeOrder } from './store-order.js';
import { gatherFloat64, gatherUint32, gatherUint8, resized } from './typed-arrays.js';
import { Utf8ColumnBuilder } from './utf8-column.js';
import { turn } from './cooperative-work.js';

/**
 * Rows of a chunk decoded together, one column at a time: few enough that the chunk's row arrays
 * stay in the CPU's cache while each column's loop passes over them.
 */
const DECODE_BLOCK_ROWS = 1024;
/** Bytes of text per row a builder starts with (names are a few dozen bytes). */
const TEXT_BYTES_PER_ROW = 24;
/** Bytes of text per row a load of known size reserves. */
const RESERVED_TEXT_BYTES_PER_ROW = 32;

/**
 * Collects rows in any order (a load's row arrays, or rows copied from stores sharing its
 * dictionaries: the kept rows of the old store and the fetched ones), then sorts them into a
 * LeadStore. Its columns are the store's (StoreColumns, from the declaration of the table), by
 * array type; capacity grows as needed.
 */
export class LeadStoreBuilder {
  #size = 0;
  #capacity: number;
  #float64: Record<Float64Field, Float64Array>;
  #uint32: Record<Uint32Field, Uint32Array>;
  #uint8: Record<Uint8Field, Uint8Array>;
  readonly #utf8: Record<Utf8Field, Utf8ColumnBuilder>;

  constructor(
    readonly dictionaries: LeadDictionaries,
    capacity: number,
  ) {
    const n = (this.#capacity = Math.max(16, capacity));
    this.#float64 = fields(FLOAT64_FIELDS, () => new Float64Array(n));
    this.#uint32 = fields(UINT32_FIELDS, () => new Uint32Array(n));
    this.#uint8 = fields(UINT8_FIELDS, () => new Uint8Array(n));
    this.#utf8 = fields(UTF8_FIELDS, () => new Utf8ColumnBuilder(n, TEXT_BYTES_PER_ROW));
  }

  get size(): number {
    return this.#size;
  }

  /** Makes room for `rows` rows in all, so a load of known size never copies its columns to grow. */
  reserve(rows: number): void {
    if (this.#capacity < rows) this.#resize(rows);
    for (const field of UTF8_FIELDS) this.#utf8[field].reserveTotalBytes(rows * RESERVED_TEXT_BYTES_PER_ROW);
  }

  /** Adds rows read as arrays of the values of ROW_LAYOUT.expressions (more values after them are ignored). */
  addRowArrays(rows: RowArrays): void {
    const base = this.#size;
    this.#ensureCapacity(base + rows.length);
    const layout = ROW_LAYOUT;
    const { record_type: recordType, flags } = this.#uint8;
    const recordId = this.#uint32.record_id;
    for (let from = 0; from < rows.length; from += DECODE_BLOCK_ROWS) {
      const to = Math.min(rows.length, from + DECODE_BLOCK_ROWS);
      decodeKeys(rows, from, to, layout.key, recordType, recordId, base);
      decodeSmallIntegers(rows, from, to, layout.flags, flags, base);
      for (const { field, at } of layout.numbers) decodeNumbers(rows, from, to, at, this.#float64[field], base);
      for (const { field, at } of layout.instants) decodeInstants(rows, from, to, at, this.#float64[field], base);
      for (const group of layout.groups) encodeGroup(rows, from, to, group, this.dictionaries[group.group], this.#uint32[group.group], base);
      for (const { field, at } of layout.utf8) {
        const text = this.#utf8[field];
        for (let index = from; index < to; index++) text.append(base + index, (rows[index] as readonly unknown[])[at] as string);
      }
    }
    this.#size = base + rows.length;
    this.#deriveCodes(base, this.#size);
  }

  /** Adds `rows` of `store` (every row when omitted), whose codes come from the same dictionaries. */
  copyRows(store: LeadStore, rows: Uint32Array = identity(store.size)): void {
    if (store.dictionaries !== this.dictionaries) throw new Error('a store is copied only into a builder sharing its dictionaries');
    const base = this.#size;
    const count = rows.length;
    this.#ensureCapacity(base + count);
    for (const field of FLOAT64_FIELDS) gatherFloat64(this.#float64[field], base, store[field], rows, count);
    for (const field of UINT32_FIELDS) gatherUint32(this.#uint32[field], base, store[field], rows, count);
    for (const field of UINT8_FIELDS) gatherUint8(this.#uint8[field], base, store[field], rows, count);
    for (const field of UTF8_FIELDS) this.#utf8[field].appendRows(store[field], rows, base);
    this.#size = base + count;
  }

  /**
   * Sorts the rows into their store order and freezes them as a LeadStore of `generation`, with a
   * turn for waiting requests between its steps (at a million rows each step takes 0.1–0.2 s).
   * `inStoreOrder`: the rows were added in store order (a refresh merges the kept rows with the
   * fetched ones), so the columns become the store as they are, without a sort or a copy (a sort
   * of a million rows held the event loop ~0.4 s); checked first, and sorted after all if not.
   * The builder is not used again after this.
   */
  async build(generation: DataGeneration | null, options: { readonly inStoreOrder?: boolean } = {}): Promise<LeadStore> {
    const n = this.#size;
    const createdAt = this.#float64.created_at;
    const recordType = this.#uint8.record_type;
    const recordId = this.#uint32.record_id;
    const columns = {} as Record<string, unknown>;
    if (options.inStoreOrder === true && isInStoreOrder(createdAt, recordType, recordId, n)) {
      for (const field of UTF8_FIELDS) columns[field] = this.#utf8[field].inAppendOrder(n);
      for (const field of FLOAT64_FIELDS) columns[field] = this.#float64[field].subarray(0, n);
      for (const field of UINT32_FIELDS) columns[field] = this.#uint32[field].subarray(0, n);
      for (const field of UINT8_FIELDS) columns[field] = this.#uint8[field].subarray(0, n);
    } else {
      const order = storeOrder(createdAt, recordType, recordId, n);
      await turn();
      for (const field of UTF8_FIELDS) columns[field] = this.#utf8[field].ordered(order, n);
      await turn();
      for (const field of FLOAT64_FIELDS) columns[field] = gatherFloat64(new Float64Array(n), 0, this.#float64[field], order, n);
      await turn();
      for (const field of UINT32_FIELDS) columns[field] = gatherUint32(new Uint32Array(n), 0, this.#uint32[field], order, n);
      for (const field of UINT8_FIELDS) columns[field] = gatherUint8(new Uint8Array(n), 0, this.#uint8[field], order, n);
    }
    const stored = columns as StoreColumns;
    await turn();
    const wonOrder = wonOrderOf(stored.won_at);
    await turn();
    return {
      generation,
      size: n,
      dictionaries: this.dictionaries,
      ...stored,
      wonOrder,
      salesmenByLocale: this.#salesmenByLocale(stored.salesman, stored.locale, n),
    };
  }

  /** The codes the engine derives per row (virtual stage, stage group, product group), for rows [from, to). */
  #deriveCodes(from: number, to: number): void {
    const d = this.dictionaries;
    const { stage, locale, product, virtualStage, stageGroup, productGroup } = this.#uint32;
    const flags = this.#uint8.flags;
    for (let row = from; row < to; row++) {
      const stageCode = stage[row] as number;
      const localeCode = locale[row] as number;
      const productCode = product[row] as number;
      const rowFlags = flags[row] as number;
      virtualStage[row] = d.virtualStageCode(stageCode, rowFlags);
      stageGroup[row] = d.stageGroup.encode(stageCode, localeCode * FLAG_COMBINATIONS + rowFlags);
      productGroup[row] = productCode === 0 ? 0 : d.productGroup.encode(productCode, localeCode);
    }
  }

  /** Per locale code: the salesman codes (assigned ones) that have at least one lead there (a bitmap, then lists). */
  #salesmenByLocale(salesman: Uint32Array, locale: Uint32Array, n: number): number[][] {
    const salesmen = this.dictionaries.salesman;
    const locales = this.dictionaries.locale.size;
    const assigned = salesmen.lookupTable((entry) => entry.salesman_id !== null);
    const present = new Uint8Array(locales * salesmen.size);
    for (let i = 0; i < n; i++) {
      const code = salesman[i] as number;
      if (assigned[code] === 1) present[(locale[i] as number) * salesmen.size + code] = 1;
    }
    const byLocale: number[][] = [];
    for (let localeCode = 0; localeCode < locales; localeCode++) {
      const codes: number[] = [];
      for (let code = 0; code < salesmen.size; code++) if (present[localeCode * salesmen.size + code] === 1) codes.push(code);
      byLocale.push(codes);
    }
    return byLocale;
  }

  #ensureCapacity(rows: number): void {
    if (rows > this.#capacity) this.#resize(Math.max(this.#capacity * 2, rows));
  }

  #resize(rows: number): void {
    this.#capacity = rows;
    for (const field of FLOAT64_FIELDS) this.#float64[field] = resized(this.#float64[field], rows);
    for (const field of UINT32_FIELDS) this.#uint32[field] = resized(this.#uint32[field], rows);
    for (const field of UINT8_FIELDS) this.#uint8[field] = resized(this.#uint8[field], rows);
    for (const field of UTF8_FIELDS) this.#utf8[field].resize(rows);
  }
}

function fields<F extends string, V>(names: readonly F[], make: () => V): Record<F, V> {
  return Object.fromEntries(names.map((name) => [name, make()])) as Record<F, V>;
}

function identity(n: number): Uint32Array {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** Whether rows 0…n−1 are in store order already (a linear check: a few ms at a million rows). */
function isInStoreOrder(createdAt: Float64Array, recordType: Uint8Array, recordId: Uint32Array, n: number): boolean {
  for (let i = 1; i < n; i++) {
    const order =
      (createdAt[i - 1] as number) - (createdAt[i] as number) ||
      (recordType[i - 1] as number) - (recordType[i] as number) ||
      (recordId[i - 1] as number) - (recordId[i] as number);
    if (!(order < 0)) return false;
  }
  return true;
}

/** The rows that have a won_at, ordered by it (ties by row): a won_at range is a slice of this. */
function wonOrderOf(wonAt: Float64Array): Uint32Array {
  let won = 0;
  for (let i = 0; i < wonAt.length; i++) if (!Number.isNaN(wonAt[i])) won++;
  const order = new Uint32Array(won);
  won = 0;
  for (let i = 0; i < wonAt.length; i++) if (!Number.isNaN(wonAt[i])) order[won++] = i;
  sortRowsByTime(order, wonAt);
  return order;
}

/**
 * Sorts `rows` by (`time[row]`, row). Whole milliseconds spanning less than 2^40 (34 years) and
 * rows below 2^24 pack into one 64-bit key each — time above, row below — which the engine's
 * native numeric sort orders without a comparator: ~20 ms for the 138,000 won leads of 1,000,000,
 * where a comparison sort held the event loop 70–300 ms. Anything else by comparison.
 */
function sortRowsByTime(rows: Uint32Array, time: Float64Array): void {
  const n = rows.length;
  if (n < 2) return;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let whole = true;
  let maxRow = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i] as number;
    const value = time[row] as number;
    if (value < min) min = value;
    if (value > max) max = value;
    if (!Number.isInteger(value)) whole = false;
    if (row > maxRow) maxRow = row;
  }
  if (!whole || max - min >= 2 ** 40 || maxRow >= 2 ** 24) {
    rows.sort((a, b) => (time[a] as number) - (time[b] as number) || a - b);
    return;
  }
  const keys = new BigUint64Array(n);
  // The same bytes as 32-bit halves, written without BigInts: high = time offset / 2^8, low = the
  // offset's last 8 bits above the 24-bit row.
  const halves = new Uint32Array(keys.buffer);
  const low = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const row = rows[i] as number;
    const offset = (time[row] as number) - min;
    halves[2 * i + 1 - low] = Math.floor(offset / 256);
    halves[2 * i + low] = ((offset % 256) * 16_777_216 + row) >>> 0;
  }
  keys.sort();
  for (let i = 0; i < n; i++) rows[i] = (halves[2 * i + low] as number) & 0xff_ffff;
}
