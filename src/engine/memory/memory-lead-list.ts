import {
  leadListRowOf,
  stageInOutcome,
  valueUsdOf,
  type LeadListFilter,
  type LeadListRow,
  type LeadListSort,
  type LeadPosition,
} from '../../domain/lead-list.js';
import type { LeadListEngine, LeadListExport, LeadListPage, LeadListPageRequest } from '../lead-list-engine.js';
import { compileFilter, conditionsOf, matchingRows, type Condition } from './lead-store-aggregates.js';
import type { LeadStore } from './lead-store.js';
import { csvByteBatches } from './memory-lead-csv.js';
import type { MemoryAnalyticsEngine } from './memory-analytics-engine.js';
import { LOST, RECHARGE, RECORD_TYPE_CODES, RECORD_TYPE_OF_CODE, SHIPMENT, WON } from './store-columns.js';
import { textOfRow } from './utf8-column.js';

/** Rows per batch of a CSV export: the stream formats one, then lets the event loop turn. */
const EXPORT_BATCH_ROWS = 1_000;

/**
 * The lead list (SPEC §10) from the memory engine's store, whose rows are in `created_at,
 * record_type, record_id` order (store order). A `created_at` page is a binary search for the
 * cursor's row in the store and a scan forward, within the created_at slice of the date range,
 * only as far as its `limit + 1` rows go. A `-value_usd` page is one pass over the slice keeping
 * the `limit + 1` first rows after the cursor in a bounded heap: no sort of every row per page.
 * `total` is counted once per store and filter, then kept. Only the CSV export of `-value_usd`
 * sorts, once, by a radix sort of the values. The engine's serving rule applies: the SQL engine
 * answers while the store is not of the latest sync.
 */
export function createMemoryLeadList(engine: MemoryAnalyticsEngine, fallback: LeadListEngine): LeadListEngine {
  return {
    page: (request, now) =>
      engine.answer(
        undefined,
        (store) => pageOfStore(store, request, now),
        () => fallback.page(request, now),
      ),
    exportRows: (filter, sort, now) =>
      engine.answer(
        undefined,
        (store) => exportOfStore(store, filter, sort, now),
        () => fallback.exportRows(filter, sort, now),
      ),
  };
}

/** The rows of the store passing the filter, in store order. */
export function filteredRows(store: LeadStore, filter: LeadListFilter): Uint32Array {
  const compiled = compileFilter(store, filter.leads);
  const rows = matchingRows(store, compiled, compiled.from, compiled.to);
  if (filter.outcome === null) return rows;
  const outcome = filter.outcome;
  const inBucket = store.dictionaries.virtualStage.lookupTable((stage) => stageInOutcome(stage, outcome));
  const stages = store.virtualStage;
  let kept = 0;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as number;
    if (inBucket[stages[row] as number] === 1) rows[kept++] = row;
  }
  return rows.subarray(0, kept);
}

/** Totals kept per store (immutable, so a total never goes stale) and filter: the pages after the first need no count. */
const TOTALS_KEPT = 256;
const totalsOfStore = new WeakMap<LeadStore, Map<string, number>>();

function totalOf(store: LeadStore, filter: LeadListFilter, count: () => number): number {
  let totals = totalsOfStore.get(store);
  if (totals === undefined) {
    totals = new Map();
    totalsOfStore.set(store, totals);
  }
  const key = JSON.stringify(filter);
  let total = totals.get(key);
  if (total === undefined) {
    total = count();
    if (totals.size >= TOTALS_KEPT) totals.delete(totals.keys().next().value ?? key);
    totals.set(key, total);
  }
  return total;
}

/** The filter's conditions on code columns (the outcome bucket included), and its row range. */
function conditionsOfFilter(store: LeadStore, filter: LeadListFilter): { from: number; to: number; nothing: boolean; conditions: Condition[] } {
  const compiled = compileFilter(store, filter.leads);
  const conditions = conditionsOf(store, compiled);
  const outcome = filter.outcome;
  if (outcome !== null) {
    conditions.push({ column: store.virtualStage, table: store.dictionaries.virtualStage.lookupTable((stage) => stageInOutcome(stage, outcome)), code: -1 });
  }
  return { from: compiled.from, to: compiled.to, nothing: compiled.nothing, conditions };
}

/**
 * Up to `count` rows passing the conditions, from row `start` on in store order: a `created_at`
 * page reads only as far as its rows go, not the whole filter.
 */
function rowsFrom(conditions: readonly Condition[], start: number, to: number, count: number): number[] {
  const found: number[] = [];
  for (let row = start; row < to && found.length < count; row++) if (passes(conditions, row)) found.push(row);
  return found;
}

/** First row of the store (store order) after `position`. */
function firstStoreRowAfter(store: LeadStore, position: LeadPosition): number {
  const typeCode = RECORD_TYPE_CODES[position.record_type];
  let low = 0;
  let high = store.size;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareRowToPosition(store, middle, position, typeCode) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The unrounded value_usd of every row of a store, worked out once per store (8 bytes a lead, on first use). */
const valuesOfStore = new WeakMap<LeadStore, Float64Array>();

export function storeValues(store: LeadStore): Float64Array {
  let values = valuesOfStore.get(store);
  if (values === undefined) {
    const d = store.dictionaries.locale;
    const rates = new Float64Array(d.size);
    for (let code = 0; code < d.size; code++) rates[code] = d.valueOf(code).locale_rate;
    values = new Float64Array(store.size);
    const cents = store.account_value_cents;
    const locales = store.locale;
    for (let row = 0; row < store.size; row++) values[row] = valueUsdOf(cents[row] as number, rates[locales[row] as number] as number);
    valuesOfStore.set(store, values);
  }
  return values;
}

/** Whether a row passes every condition. */
function passes(conditions: readonly Condition[], row: number): boolean {
  for (let index = 0; index < conditions.length; index++) {
    const { column, table, code } = conditions[index] as Condition;
    const value = column[row] as number;
    if (table !== null ? table[value] !== 1 : value !== code) return false;
  }
  return true;
}

/** Negative when row `row` comes before `position` in `created_at, record_type, record_id` order. */
function compareRowToPosition(store: LeadStore, row: number, position: LeadPosition, typeCode: number): number {
  return (
    (store.created_at[row] as number) - position.created_at ||
    (store.record_type[row] as number) - typeCode ||
    (store.record_id[row] as number) - position.record_id
  );
}

function positionOf(store: LeadStore, row: number, value: number | null): LeadPosition {
  return {
    created_at: store.created_at[row] as number,
    record_type: RECORD_TYPE_OF_CODE[store.record_type[row] as number] ?? 'company',
    record_id: store.record_id[row] as number,
    value,
  };
}

export function rowOfStore(store: LeadStore, row: number, now: number): LeadListRow {
  const d = store.dictionaries;
  const flags = store.flags[row] as number;
  const salesman = d.salesman.valueOf(store.salesman[row] as number);
  const locale = d.locale.valueOf(store.locale[row] as number);
  const stage = d.stage.valueOf(store.stage[row] as number);
  const wonAt = store.won_at[row] as number;
  const closingDays = store.closing_days[row] as number;
  const lastActivity = store.last_activity_at[row] as number;
  return leadListRowOf(
    {
      record_type: RECORD_TYPE_OF_CODE[store.record_type[row] as number] ?? 'company',
      record_id: store.record_id[row] as number,
      name: textOfRow(store.name, row),
      salesman_id: salesman.salesman_id,
      salesman_name: salesman.salesman_name,
      locale_id: locale.locale_id,
      locale_rate: locale.locale_rate,
      tier: d.tier.valueOf(store.tier[row] as number).tier,
      stage_name: stage.stage_name,
      stage_color: stage.stage_color,
      product: d.product.valueOf(store.product[row] as number).product,
      monthly_shipments: store.monthly_shipments[row] as number,
      account_cents: store.account_value_cents[row] as number,
      is_won: flags & WON ? 1 : 0,
      is_lost: flags & LOST ? 1 : 0,
      has_shipment: flags & SHIPMENT ? 1 : 0,
      has_recharge: flags & RECHARGE ? 1 : 0,
      won_at: Number.isNaN(wonAt) ? null : wonAt,
      closing_days: Number.isNaN(closingDays) ? null : closingDays,
      created_at: store.created_at[row] as number,
      last_activity_at: Number.isNaN(lastActivity) ? null : lastActivity,
    },
    now,
  );
}

function pageOfStore(store: LeadStore, request: LeadListPageRequest, now: number): LeadListPage {
  const { limit, after, filter } = request;
  let selected: number[];
  let values: Float64Array | null = null;
  const { from, to, nothing, conditions } = conditionsOfFilter(store, filter);
  const total = totalOf(store, filter, () => filteredRows(store, filter).length);
  if (nothing) {
    selected = [];
  } else if (request.sort === 'created_at') {
    const start = after === null ? from : Math.max(from, firstStoreRowAfter(store, after));
    selected = rowsFrom(conditions, start, to, limit + 1);
  } else {
    const top = topByValueAfter(store, conditions, from, to, after, limit + 1);
    selected = top.rows;
    values = top.values;
  }
  const more = selected.length > limit;
  selected = selected.slice(0, limit);
  const lastIndex = selected.length - 1;
  const last = selected[lastIndex];
  return {
    total,
    rows: selected.map((row) => rowOfStore(store, row, now)),
    next: more && last !== undefined ? positionOf(store, last, values === null ? null : (values[lastIndex] as number)) : null,
    generation: store.generation,
  };
}

/**
 * The first `count` rows of [from, to) passing the conditions after `after` in the `-value_usd`
 * order (value desc, then store order), in that order, with their values: a bounded max-heap of
 * the `count` best so far, whose root is the worst of them. Rows come in store order, so a row
 * whose value is not above the root's can never enter: most rows cost one comparison.
 */
export function topByValueAfter(
  store: LeadStore,
  conditions: readonly Condition[],
  from: number,
  to: number,
  after: LeadPosition | null,
  count: number,
): { rows: number[]; values: Float64Array } {
  const storeValue = storeValues(store);
  const heapRows = new Uint32Array(count);
  const heapValues = new Float64Array(count);
  let size = 0;
  const afterValue = after?.value ?? 0;
  const afterType = after === null ? 0 : RECORD_TYPE_CODES[after.record_type];
  // `a` (row, value) comes after `b` in the order: a smaller value, or the same and a later row.
  const later = (valueA: number, rowA: number, valueB: number, rowB: number) => valueA < valueB || (valueA === valueB && rowA > rowB);
  const siftDown = (from: number) => {
    let index = from;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let worst = index;
      if (left < size && later(heapValues[left] as number, heapRows[left] as number, heapValues[worst] as number, heapRows[worst] as number)) worst = left;
      if (right < size && later(heapValues[right] as number, heapRows[right] as number, heapValues[worst] as number, heapRows[worst] as number)) worst = right;
      if (worst === index) return;
      const row = heapRows[index] as number;
      const value = heapValues[index] as number;
      heapRows[index] = heapRows[worst] as number;
      heapValues[index] = heapValues[worst] as number;
      heapRows[worst] = row;
      heapValues[worst] = value;
      index = worst;
    }
  };
  for (let row = from; row < to; row++) {
    const value = storeValue[row] as number;
    // Full, and not above the worst kept (a later row with an equal value comes after it): out.
    if (size === count && value <= (heapValues[0] as number)) continue;
    if (after !== null && (value > afterValue || (value === afterValue && compareRowToPosition(store, row, after, afterType) <= 0))) continue;
    if (!passes(conditions, row)) continue;
    if (size < count) {
      // Sift up: the new entry rises while it comes after its parent.
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >>> 1;
        if (!later(value, row, heapValues[parent] as number, heapRows[parent] as number)) break;
        heapRows[at] = heapRows[parent] as number;
        heapValues[at] = heapValues[parent] as number;
        at = parent;
      }
      heapRows[at] = row;
      heapValues[at] = value;
    } else if (count > 0 && later(heapValues[0] as number, heapRows[0] as number, value, row)) {
      heapRows[0] = row;
      heapValues[0] = value;
      siftDown(0);
    }
  }
  const order = Array.from({ length: size }, (_, index) => index).sort(
    (a, b) => (heapValues[b] as number) - (heapValues[a] as number) || (heapRows[a] as number) - (heapRows[b] as number),
  );
  return { rows: order.map((index) => heapRows[index] as number), values: Float64Array.from(order, (index) => heapValues[index] as number) };
}

/**
 * `rows` (in store order) sorted by value descending, ties kept in store order: a stable LSD radix
 * sort, 16 bits a pass, of the complemented IEEE bits of each value (values are ≥ 0, whose bits
 * order as the numbers do). Four linear passes instead of a comparison sort of a million rows.
 */
export function sortByValueDescending(store: LeadStore, rows: Uint32Array): Uint32Array {
  const storeValue = storeValues(store);
  const count = rows.length;
  const values = new Float64Array(count);
  for (let index = 0; index < count; index++) values[index] = storeValue[rows[index] as number] as number;
  const words = new Uint32Array(values.buffer);
  // Little-endian doubles: word 2i is the low half, 2i + 1 the high half. Complemented: descending.
  const keyLow = new Uint32Array(count);
  const keyHigh = new Uint32Array(count);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let index = 0; index < count; index++) {
    keyLow[index] = ~(words[2 * index + (littleEndian ? 0 : 1)] as number) >>> 0;
    keyHigh[index] = ~(words[2 * index + (littleEndian ? 1 : 0)] as number) >>> 0;
  }
  let order = new Uint32Array(count);
  for (let index = 0; index < count; index++) order[index] = index;
  let next = new Uint32Array(count);
  const counts = new Uint32Array(65_536);
  for (const [keys, shift] of [
    [keyLow, 0],
    [keyLow, 16],
    [keyHigh, 0],
    [keyHigh, 16],
  ] as const) {
    counts.fill(0);
    for (let index = 0; index < count; index++) counts[((keys[order[index] as number] as number) >>> shift) & 0xffff]! += 1;
    let sum = 0;
    for (let bucket = 0; bucket < 65_536; bucket++) {
      const here = counts[bucket] as number;
      counts[bucket] = sum;
      sum += here;
    }
    for (let index = 0; index < count; index++) {
      const item = order[index] as number;
      next[counts[((keys[item] as number) >>> shift) & 0xffff]!++] = item;
    }
    [order, next] = [next, order];
  }
  const sorted = new Uint32Array(count);
  for (let index = 0; index < count; index++) sorted[index] = rows[order[index] as number] as number;
  return sorted;
}

function exportOfStore(store: LeadStore, filter: LeadListFilter, sort: LeadListSort, now: number): LeadListExport {
  const rows = filteredRows(store, filter);
  // The sort waits for the first pull, so a request that is refused never pays for it.
  let ordered: Uint32Array | null = null;
  const inOrder = () => (ordered ??= sort === 'created_at' ? rows : sortByValueDescending(store, rows));
  function* batches(): Generator<readonly LeadListRow[]> {
    const all = inOrder();
    for (let start = 0; start < all.length; start += EXPORT_BATCH_ROWS) {
      const batch: LeadListRow[] = [];
      const end = Math.min(all.length, start + EXPORT_BATCH_ROWS);
      for (let index = start; index < end; index++) batch.push(rowOfStore(store, all[index] as number, now));
      yield batch;
    }
  }
  function* csvBytes(): Generator<Uint8Array> {
    yield* csvByteBatches(store, inOrder(), storeValues(store), now, EXPORT_BATCH_ROWS);
  }
  return { generation: store.generation, batches: batches(), csvBytes: csvBytes() };
}
