import type { DataGeneration } from '../../domain/data-generation.js';
import { dictionariesBytes, type LeadDictionaries } from './lead-dictionaries.js';
import { FLOAT64_FIELDS, UINT32_FIELDS, UINT8_FIELDS, UTF8_FIELDS, type StoreColumns } from './store-columns.js';
import { utf8ColumnBytes } from './utf8-column.js';

/**
 * `crm_analytics_leads` as columns (StoreColumns: one typed array per kept column or dictionary
 * group, from the declaration of the table, plus the codes the engine derives), one slot per lead,
 * rows ordered by (created_at, record_type, record_id) — the order of `active_leads` — so a
 * created_at range is the contiguous slice [lowerBound(from), lowerBound(to)). Immutable once
 * built (lead-store-builder.ts): a refresh builds a new store beside it and the engine swaps the
 * reference.
 */
export interface LeadStore extends StoreColumns {
  /** The sync run whose data this is; null when loaded before the first successful sync. */
  readonly generation: DataGeneration | null;
  readonly size: number;
  readonly dictionaries: LeadDictionaries;
  /** Rows that have a won_at, ordered by it: a won_at range is a slice of this. */
  readonly wonOrder: Uint32Array;
  /** Per locale code: the salesman codes (assigned ones) that have at least one lead there. */
  readonly salesmenByLocale: readonly (readonly number[])[];
}

/** First index of `sorted` (ascending, through `order` when given) whose value is ≥ `value`. */
export function lowerBound(sorted: Float64Array, value: number, order?: Uint32Array): number {
  let low = 0;
  let high = order ? order.length : sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const at = sorted[order ? (order[middle] ?? 0) : middle] ?? 0;
    if (at < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Rows and Σ record_id per record type: two sets of keys that differ by deletions and insertions
 * of as many rows almost never have the same sums, so a store whose checksum equals the table's
 * holds the table's keys.
 */
export interface LeadKeyChecksum {
  readonly companies: number;
  readonly companyIds: number;
  readonly prospects: number;
  readonly prospectIds: number;
}

export function sameKeyChecksum(a: LeadKeyChecksum, b: LeadKeyChecksum): boolean {
  return a.companies === b.companies && a.companyIds === b.companyIds && a.prospects === b.prospects && a.prospectIds === b.prospectIds;
}

/** The key checksum of a store (the reader counts the table's in SQL). */
export function keyChecksumOfStore(store: LeadStore): LeadKeyChecksum {
  const checksum = { companies: 0, companyIds: 0, prospects: 0, prospectIds: 0 };
  for (let row = 0; row < store.size; row++) {
    const id = store.record_id[row] ?? 0;
    if (store.record_type[row] === 0) {
      checksum.companies += 1;
      checksum.companyIds += id;
    } else {
      checksum.prospects += 1;
      checksum.prospectIds += id;
    }
  }
  return checksum;
}

/** Heap bytes the store's columns and dictionaries take (what "bytes per lead" reports). */
export function storeBytes(store: LeadStore): number {
  const arrays = [...FLOAT64_FIELDS, ...UINT32_FIELDS, ...UINT8_FIELDS].reduce((bytes, field) => bytes + store[field].byteLength, 0);
  const texts = UTF8_FIELDS.reduce((bytes, field) => bytes + utf8ColumnBytes(store[field]), 0);
  return arrays + texts + store.wonOrder.byteLength + dictionariesBytes(store.dictionaries);
}
