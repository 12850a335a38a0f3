import type { Kysely } from 'kysely';
import type { ReadSnapshot } from '../../db/dialect.js';
import { parseDbDateTime } from '../../db/datetime.js';
import { numberFromDriver } from '../../db/driver-numbers.js';
import type { Database } from '../../db/schema.js';
import { RECORD_TYPES } from '../../domain/lead.js';
import { LeadRowIndex } from './lead-row-index.js';
import { leadStageEntriesBytes, leadStageEntriesOf, type LeadStageEntries } from './lead-stage-entries.js';
import type { LeadStore } from './lead-store.js';
import { forEachSlice, turn } from './cooperative-work.js';
import { stageTalliesBytes, stageTalliesOf, type StageTallies } from './stage-tallies.js';
import { stageValueOrdersBytes, stageValueOrdersOf, type StageValueOrders } from './stage-value-orders.js';
import { KEY_TYPE_FACTOR, RECORD_TYPE_CODES } from './store-columns.js';

/**
 * `crm_analytics_stage_visits` (SPEC §12) beside a LeadStore, as columns: the visits of lead-store
 * row r are [start[r], start[r + 1]) in `seq` order, each a stage code and an `entered_at` (epoch
 * ms). `left_at` is not kept: by definition it is the next visit's `entered_at`, and null for the
 * last one. 10 bytes a visit and 4 a lead. Built with the store it belongs to, in the same read
 * snapshot, and swapped with it (memory-analytics-engine.ts); immutable once built.
 */
export interface StageVisitStore {
  /** Lead-store rows + 1 offsets. */
  readonly start: Uint32Array;
  /** Code per visit into stageIds. */
  readonly stage: Uint16Array;
  readonly enteredAt: Float64Array;
  /** stage_id of each code; codes are kept across refreshes (a refresh only appends). */
  readonly stageIds: readonly number[];
  readonly size: number;
  /** Per (lead, stage): what requests read instead of re-deriving it from the visits. */
  readonly entries: LeadStageEntries;
  /** Per stage, the percentiles' values sorted once (stage-value-orders.ts): read by requests over the whole store. */
  readonly orders: StageValueOrders;
  /** The whole store's counts (stage-tallies.ts), read by requests over the whole store; null with too many stage codes. */
  readonly tallies: StageTallies | null;
}

export function stageVisitStoreBytes(visits: StageVisitStore): number {
  return (
    visits.start.byteLength +
    visits.stage.byteLength +
    visits.enteredAt.byteLength +
    leadStageEntriesBytes(visits.entries) +
    stageValueOrdersBytes(visits.orders) +
    stageTalliesBytes(visits.tallies)
  );
}

/** The visits with what requests read instead of them, worked out once; `flags`: the store's (won, lost). */
async function withEntries(visits: Omit<StageVisitStore, 'entries' | 'orders' | 'tallies'>, flags: Uint8Array): Promise<StageVisitStore> {
  const entries = await leadStageEntriesOf(visits);
  const orders = await stageValueOrdersOf(visits, entries, flags);
  return { ...visits, entries, orders, tallies: await stageTalliesOf(visits, entries, flags) };
}

/** Rows per page when reading through Kysely (MySQL, PostgreSQL). */
const PAGE_ROWS = 20_000;
/** Ids per `in (…)` list of a refresh's read of changed leads (see lead-store-reader.ts). */
const IDS_PER_QUERY = 250;
const KEY_EXPRESSION = `(case record_type ${RECORD_TYPES.map((type, code) => `when '${type}' then ${code * KEY_TYPE_FACTOR}`).join(' ')} end) + record_id`;
const EXPRESSIONS = [KEY_EXPRESSION, 'seq', 'stage_id', 'entered_at'] as const;


/** Visits read from the table, mapped to rows of the store being built, before they are laid out. */
class VisitRows {
  size = 0;
  rows = new Int32Array(1024);
  seq = new Uint32Array(1024);
  code = new Uint16Array(1024);
  enteredAt = new Float64Array(1024);
  readonly #codes: Map<number, number>;

  constructor(
    private readonly index: LeadRowIndex,
    readonly stageIds: number[],
  ) {
    this.#codes = new Map(stageIds.map((id, code) => [id, code]));
  }

  #grow(): void {
    const capacity = this.rows.length * 2;
    const grown = <T extends Int32Array | Uint32Array | Uint16Array | Float64Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array);
      return next;
    };
    this.rows = grown(this.rows, (n) => new Int32Array(n));
    this.seq = grown(this.seq, (n) => new Uint32Array(n));
    this.code = grown(this.code, (n) => new Uint16Array(n));
    this.enteredAt = grown(this.enteredAt, (n) => new Float64Array(n));
  }

  #codeOf(stageId: number): number {
    let code = this.#codes.get(stageId);
    if (code === undefined) {
      code = this.stageIds.length;
      this.stageIds.push(stageId);
      this.#codes.set(stageId, code);
    }
    return code;
  }

  /** Rows as arrays of EXPRESSIONS' values; visits of leads the store does not hold are skipped. */
  add(rows: readonly (readonly unknown[])[]): void {
    for (const row of rows) {
      const key = numberFromDriver(row[0]);
      const type = Math.floor(key / KEY_TYPE_FACTOR);
      const storeRow = this.index.rowOf(type, key - type * KEY_TYPE_FACTOR);
      if (storeRow === -1) continue;
      if (this.size === this.rows.length) this.#grow();
      const at = this.size++;
      this.rows[at] = storeRow;
      this.seq[at] = numberFromDriver(row[1]);
      this.code[at] = this.#codeOf(numberFromDriver(row[2]));
      this.enteredAt[at] = parseDbDateTime(row[3] as string);
    }
  }
}

/** Every visit of the store's leads, from the snapshot the store was read from. */
export async function loadStageVisits(snapshot: ReadSnapshot, store: LeadStore): Promise<StageVisitStore> {
  const read = new VisitRows(await LeadRowIndex.of(store), []);
  if (snapshot.scanRowArrays !== null) await snapshot.scanRowArrays('crm_analytics_stage_visits', EXPRESSIONS, (rows) => read.add(rows));
  else await scanByPrimaryKey(snapshot.db, (rows) => read.add(rows));
  await turn();
  const counts = new Uint32Array(store.size);
  for (let at = 0; at < read.size; at++) counts[read.rows[at] as number] = (counts[read.rows[at] as number] as number) + 1;
  const start = offsetsOf(counts);
  const stage = new Uint16Array(read.size);
  const enteredAt = new Float64Array(read.size);
  placeRead(read, start, stage, enteredAt);
  await turn();
  return withEntries({ start, stage, enteredAt, stageIds: read.stageIds, size: read.size }, store.flags);
}

/**
 * The visits of the refreshed store `next`: those of `replaced` leads (record ids per record-type
 * code: written or deleted since `old` was read) read again from the snapshot, the rest copied
 * from `oldVisits` by key.
 */
export async function refreshStageVisits(
  snapshot: ReadSnapshot,
  old: LeadStore,
  oldVisits: StageVisitStore,
  next: LeadStore,
  replaced: readonly ReadonlySet<number>[],
): Promise<StageVisitStore> {
  const read = new VisitRows(await LeadRowIndex.of(next), [...oldVisits.stageIds]);
  for (const type of RECORD_TYPES) {
    const ids = [...(replaced[RECORD_TYPE_CODES[type]] ?? [])].sort((a, b) => a - b);
    for (let from = 0; from < ids.length; from += IDS_PER_QUERY) {
      const rows = await snapshot.db
        .selectFrom('crm_analytics_stage_visits')
        .select(['record_type', 'record_id', 'seq', 'stage_id', 'entered_at'])
        .where('record_type', '=', type)
        .where('record_id', 'in', ids.slice(from, from + IDS_PER_QUERY))
        .execute();
      read.add(rows.map((row) => [RECORD_TYPE_CODES[row.record_type] * KEY_TYPE_FACTOR + numberFromDriver(row.record_id), row.seq, row.stage_id, row.entered_at]));
      await turn();
    }
  }
  const oldIndex = await LeadRowIndex.of(old);
  await turn();
  // Per row of `next`: its old row (-1 for a replaced lead, whose visits were read again).
  const oldRows = new Int32Array(next.size);
  const counts = new Uint32Array(next.size);
  await forEachSlice(next.size, (from, to) => {
    for (let row = from; row < to; row++) {
      const type = next.record_type[row] as number;
      const id = next.record_id[row] as number;
      if (replaced[type]?.has(id) === true) {
        oldRows[row] = -1;
        continue;
      }
      const oldRow = oldIndex.rowOf(type, id);
      oldRows[row] = oldRow;
      if (oldRow !== -1) counts[row] = (oldVisits.start[oldRow + 1] as number) - (oldVisits.start[oldRow] as number);
    }
  });
  for (let at = 0; at < read.size; at++) counts[read.rows[at] as number] = (counts[read.rows[at] as number] as number) + 1;
  const start = offsetsOf(counts);
  const size = start[next.size] as number;
  const stage = new Uint16Array(size);
  const enteredAt = new Float64Array(size);
  await turn();
  await forEachSlice(next.size, (fromRow, toRow) => {
    for (let row = fromRow; row < toRow; row++) {
      const oldRow = oldRows[row] as number;
      if (oldRow === -1) continue;
      let to = start[row] as number;
      for (let from = oldVisits.start[oldRow] as number, end = oldVisits.start[oldRow + 1] as number; from < end; from++, to++) {
        stage[to] = oldVisits.stage[from] as number;
        enteredAt[to] = oldVisits.enteredAt[from] as number;
      }
    }
  });
  placeRead(read, start, stage, enteredAt);
  await turn();
  return withEntries({ start, stage, enteredAt, stageIds: read.stageIds, size }, next.flags);
}

/** Prefix sums: offsets[r] = Σ counts[0, r). */
function offsetsOf(counts: Uint32Array): Uint32Array {
  const offsets = new Uint32Array(counts.length + 1);
  for (let row = 0; row < counts.length; row++) offsets[row + 1] = (offsets[row] as number) + (counts[row] as number);
  return offsets;
}

/** Each read visit at its lead's offset + seq − 1 (seq is 1, 2, … without gaps). */
function placeRead(read: VisitRows, start: Uint32Array, stage: Uint16Array, enteredAt: Float64Array): void {
  for (let at = 0; at < read.size; at++) {
    const slot = (start[read.rows[at] as number] as number) + (read.seq[at] as number) - 1;
    stage[slot] = read.code[at] as number;
    enteredAt[slot] = read.enteredAt[at] as number;
  }
}

/** Every visit through Kysely, by primary key: (record_id, seq) after the last row read, per record type. */
async function scanByPrimaryKey(db: Kysely<Database>, onChunk: (rows: readonly (readonly unknown[])[]) => void): Promise<void> {
  for (const type of RECORD_TYPES) {
    const code = RECORD_TYPE_CODES[type];
    let afterId = -1;
    let afterSeq = 0;
    for (;;) {
      const rows = await db
        .selectFrom('crm_analytics_stage_visits')
        .select(['record_id', 'seq', 'stage_id', 'entered_at'])
        .where('record_type', '=', type)
        .where((eb) => eb.or([eb('record_id', '>', afterId), eb.and([eb('record_id', '=', afterId), eb('seq', '>', afterSeq)])]))
        .orderBy('record_id')
        .orderBy('seq')
        .limit(PAGE_ROWS)
        .execute();
      onChunk(rows.map((row) => [code * KEY_TYPE_FACTOR + numberFromDriver(row.record_id), row.seq, row.stage_id, row.entered_at]));
      const last = rows.at(-1);
      if (last === undefined || rows.length < PAGE_ROWS) break;
      afterId = numberFromDriver(last.record_id);
      afterSeq = numberFromDriver(last.seq);
      await turn();
    }
  }
}
