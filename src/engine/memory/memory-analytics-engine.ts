import type { DatabaseHandle } from '../../db/database.js';
import { assembleAnalyticsPayload } from '../../domain/analytics-assembly.js';
import type { DataGeneration, LatestGenerationReader, RunInProgress } from '../../domain/data-generation.js';
import type { LeadKey } from '../../domain/lead.js';
import type { Logger } from '../../logging/logger.js';
import type { AnalyticsEngine, EngineResult, SyncLogReads } from '../analytics-engine.js';
import { COOPERATIVE_SLICE_MS, turn } from './cooperative-work.js';
import { aggregateLeadStore } from './lead-store-aggregates.js';
import { readLeadTable } from './lead-store-reader.js';
import { newLeadDictionaries } from './lead-dictionaries.js';
import { LeadStoreBuilder } from './lead-store-builder.js';
import { keyChecksumOfStore, sameKeyChecksum, storeBytes, type LeadStore } from './lead-store.js';
import { loadStageVisits, refreshStageVisits, type StageVisitStore } from './stage-visit-store.js';
import { StoreMerge } from './store-merge.js';
import { RECORD_TYPE_CODES } from './store-columns.js';

export type MemoryEngineState = 'loading' | 'serving' | 'failed';

export interface MemoryEngineStatus {
  readonly state: MemoryEngineState;
  /** The sync run the loaded store reflects (null before any load or before the first sync). */
  readonly generation: number | null;
  readonly leads: number;
  readonly storeBytes: number;
  readonly bytesPerLead: number | null;
  /** Full loads and incremental refreshes done so far. */
  readonly loads: number;
  readonly refreshes: number;
  /** Duration of the last full load and of the last refresh, in ms. */
  readonly lastLoadMs: number | null;
  readonly lastRefreshMs: number | null;
  readonly lastError: string | null;
}

export interface MemoryEngineOptions {
  readonly database: DatabaseHandle;
  /** Answers while no store of the latest generation is loaded. */
  readonly fallback: AnalyticsEngine;
  readonly logger: Logger;
  /** How often to look for a newer successful sync (run by another process); 0 = never. */
  readonly pollMs: number;
  /** The latest successful sync, shared with the analytics service in an application. */
  readonly generations: LatestGenerationReader;
  /** The sync log's reads, run inside the store's read snapshot. */
  readonly syncLog: SyncLogReads;
  /**
   * The run this process's sync has under way, else null (the sync service's `currentRun`):
   * between its `ok` row and the refresh its listener makes, that run is the latest generation,
   * but its call has not returned, so the store of the generation it follows still answers.
   */
  readonly ownRunInProgress?: () => RunInProgress | null;
}

/**
 * The in-memory columnar engine (docs/memory-engine.md). It serves a request from its LeadStore
 * only when the store is of the latest successful sync; otherwise the fallback (SQL) engine
 * answers while a refresh catches up. A refresh builds a new store beside the one serving and
 * swaps the reference: a computation reads one store from start to end, so no response mixes
 * two generations.
 */
export class MemoryAnalyticsEngine implements AnalyticsEngine {
  readonly #options: MemoryEngineOptions;
  readonly #generations: LatestGenerationReader;
  #store: LeadStore | null = null;
  /** The stage visits of each store (SPEC §12), built in the same read snapshot as it. */
  readonly #visits = new WeakMap<LeadStore, StageVisitStore>();
  #refreshing: Promise<void> | null = null;
  /** Keys deleted by syncs of this process that no refresh has applied yet. */
  #pendingDeletes: LeadKey[] = [];
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  /** Only a serving process loads a store: one-shot commands (sync, snapshots rebuild) answer through SQL. */
  #started = false;
  #lastLoadMs: number | null = null;
  #loads = 0;
  #refreshes = 0;
  #lastRefreshMs: number | null = null;
  #lastError: string | null = null;

  constructor(options: MemoryEngineOptions) {
    this.#options = options;
    this.#generations = options.generations;
  }

  /** Starts the first load in the background, and the poll. */
  start(): void {
    this.#started = true;
    this.#scheduleRefresh();
    if (this.#options.pollMs > 0) {
      this.#timer = setInterval(() => void this.#poll(), this.#options.pollMs);
      this.#timer.unref();
    }
  }

  /** Stops polling and waits for a refresh in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#refreshing?.catch(() => undefined);
  }

  async compute(plan: Parameters<AnalyticsEngine['compute']>[0], now: number, known?: DataGeneration | null): Promise<EngineResult> {
    return this.answer(
      known,
      (store) => ({ body: assembleAnalyticsPayload(aggregateLeadStore(store, plan), now), generation: store.generation }),
      () => this.#options.fallback.compute(plan, now),
    );
  }

  /**
   * The serving rule every question to this engine follows: `fromStore` answers when the store is
   * of the latest successful sync (`known` when the caller has just read it, else read here), and
   * `fallback` (the SQL engine) otherwise, while a refresh catches up. When the only newer
   * generation is the run of this process still under way (its `ok` row committed, its call not
   * returned: the refresh is one of its last steps), the run is not over for anyone, and the
   * store of the generation it follows answers, labelled as such: sending that moment's requests
   * to SQL would block the event loop for seconds on SQLite (docs/memory-engine.md).
   */
  async answer<T>(known: DataGeneration | null | undefined, fromStore: (store: LeadStore) => T, fallback: () => Promise<T>): Promise<T> {
    const latest = known === undefined ? await this.#generations.read() : known;
    const store = this.#store;
    if (store !== null && latest !== null && store.generation !== null && (store.generation.id === latest.id || this.#isOwnRunAfter(store.generation, latest))) {
      return fromStore(store);
    }
    if (this.#started && this.#isBehind(latest)) this.#scheduleRefresh();
    return fallback();
  }

  /** The store serving now (benchmarks); null before a load. */
  currentStore(): LeadStore | null {
    return this.#store;
  }

  /** The stage visits of the store serving now (benchmarks report their memory); null before a load. */
  currentVisits(): StageVisitStore | null {
    return this.#store === null ? null : (this.#visits.get(this.#store) ?? null);
  }

  /** The stage visits loaded beside `store` (memory-stage-history.ts); undefined for a store of another engine. */
  visitsOf(store: LeadStore): StageVisitStore | undefined {
    return this.#visits.get(store);
  }

  /**
   * Brings the store to the latest successful sync; the sync of this process calls it (before the
   * snapshot rebuild) with the keys its run deleted, which a refresh cannot see in the table.
   */
  async refreshAfterSync(deletedKeys: readonly LeadKey[]): Promise<void> {
    // Not loaded nor loading (a one-shot command, or no request yet): the first load reads it all.
    if (this.#store === null && this.#refreshing === null) return;
    this.#pendingDeletes.push(...deletedKeys);
    // A refresh already running may have read the table before this run finished: wait, then
    // refresh, unless it took the deletes and reached the latest generation after all.
    await this.#refreshing?.catch(() => undefined);
    if (this.#pendingDeletes.length === 0 && !this.#isBehind(await this.#generations.read())) return;
    this.#scheduleRefresh();
    await this.#refreshing?.catch(() => undefined);
  }

  /** Loads or refreshes now (when not already doing so) and waits for it, started or not: tests and benchmarks. */
  async refresh(): Promise<void> {
    await this.whenIdle();
    this.#scheduleRefresh();
    await this.whenIdle();
  }

  /** Resolves once no refresh is running (the first load included). */
  async whenIdle(): Promise<void> {
    while (this.#refreshing !== null) await this.#refreshing.catch(() => undefined);
  }

  status(): MemoryEngineStatus {
    const store = this.#store;
    const bytes = store ? storeBytes(store) : 0;
    const state: MemoryEngineState = store !== null ? 'serving' : this.#lastError !== null ? 'failed' : 'loading';
    return {
      state,
      generation: store?.generation?.id ?? null,
      leads: store?.size ?? 0,
      storeBytes: bytes,
      bytesPerLead: store && store.size > 0 ? Math.round(bytes / store.size) : null,
      loads: this.#loads,
      refreshes: this.#refreshes,
      lastLoadMs: this.#lastLoadMs,
      lastRefreshMs: this.#lastRefreshMs,
      lastError: this.#lastError,
    };
  }

  async #poll(): Promise<void> {
    // A run of this process refreshes the store itself, with the keys it deleted, before it returns.
    if (this.#refreshing !== null || this.#closed || this.#options.ownRunInProgress?.() != null) return;
    try {
      if (this.#isBehind(await this.#generations.read())) this.#scheduleRefresh();
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'memory engine: could not read the latest sync generation');
    }
  }

  /**
   * Whether `latest` is the run of this process still under way and `store` is of the generation
   * that run follows: then nothing but that run is newer than the store (see `answer`).
   */
  #isOwnRunAfter(store: DataGeneration, latest: DataGeneration): boolean {
    const ownRun = this.#options.ownRunInProgress?.() ?? null;
    return ownRun !== null && ownRun.id === latest.id && ownRun.follows === store.id;
  }

  /** Whether a successful sync exists that the store (if any) does not reflect yet. */
  #isBehind(latest: DataGeneration | null): boolean {
    return latest !== null && (this.#store === null || (this.#store.generation?.id ?? 0) < latest.id);
  }

  #scheduleRefresh(): void {
    if (this.#refreshing !== null || this.#closed) return;
    const refreshing = this.#refresh()
      .catch((error: unknown) => {
        this.#lastError = error instanceof Error ? error.message : String(error);
        this.#options.logger.error({ err: error }, 'memory engine: refresh failed; the SQL engine answers until the next one');
      })
      .finally(() => {
        this.#refreshing = null;
      });
    this.#refreshing = refreshing;
  }

  async #refresh(): Promise<void> {
    const started = performance.now();
    const old = this.#store;
    if (old === null || old.generation === null) {
      this.#swap(await this.#loadAll(), started, 'load');
      return;
    }
    const deletes = this.#pendingDeletes;
    this.#pendingDeletes = [];
    const refreshed = await this.#loadChangedSince(old, old.generation, deletes);
    if (refreshed !== null) this.#swap(refreshed, started, 'refresh');
    else this.#swap(await this.#loadAll(), started, 'load');
  }

  #swap(store: LeadStore, started: number, kind: 'load' | 'refresh'): void {
    const ms = Math.round(performance.now() - started);
    if (kind === 'load') {
      this.#lastLoadMs = ms;
      this.#loads += 1;
    } else {
      this.#lastRefreshMs = ms;
      this.#refreshes += 1;
    }
    this.#lastError = null;
    this.#store = store;
    this.#options.logger.info(
      { generation: store.generation?.id ?? null, leads: store.size, ms, bytesPerLead: store.size > 0 ? Math.round(storeBytes(store) / store.size) : null },
      kind === 'load' ? 'memory engine: store loaded' : 'memory engine: store refreshed',
    );
  }

  /** Every row, into new dictionaries (values no row has any more are dropped). */
  async #loadAll(): Promise<LeadStore> {
    return this.#options.database.readSnapshot(async (snapshot) => {
      const builder = new LeadStoreBuilder(newLeadDictionaries(), this.#store?.size ?? 1024);
      const reading = await readLeadTable(snapshot, this.#options.syncLog, builder);
      const store = await builder.build(reading.generation);
      this.#visits.set(store, await loadStageVisits(snapshot, store));
      return store;
    });
  }

  /**
   * The rows written by sync runs after `generation` replace their old versions; `deletes` are
   * dropped; the rest is copied from the old store, a slice at a time with a turn for requests
   * between slices. Null when the result does not hold the table's keys (another process's sync
   * deleted rows, which only it knew) or when most rows changed (a full build elsewhere): a full
   * load is due.
   */
  async #loadChangedSince(old: LeadStore, generation: DataGeneration, deletes: readonly LeadKey[]): Promise<LeadStore | null> {
    return this.#options.database.readSnapshot(async (snapshot) => {
      const fetched = new LeadStoreBuilder(old.dictionaries, 1024);
      const reading = await readLeadTable(snapshot, this.#options.syncLog, fetched, { writtenAfterRun: generation.id, mostChangedRows: Math.max(10_000, old.size / 4) });
      if (reading.generation === null || reading.checksum === null) return null;
      const changed = await fetched.build(null);
      // Record ids per record type (small integers: a fast Set), of rows replaced or deleted.
      const replaced = Object.values(RECORD_TYPE_CODES).map(() => new Set<number>());
      for (const key of deletes) replaced[RECORD_TYPE_CODES[key.record_type]]?.add(key.record_id);
      for (let row = 0; row < changed.size; row++) replaced[changed.record_type[row] as number]?.add(changed.record_id[row] as number);
      // Both stores are in store order: merged as they are copied, the new one needs no sort.
      const builder = new LeadStoreBuilder(old.dictionaries, old.size + changed.size);
      const merge = new StoreMerge(builder, old, changed, replaced);
      // By time, not by rows, so a busy machine (a slower copy) does not lengthen the pauses.
      while (!merge.done) {
        merge.copyFor(COOPERATIVE_SLICE_MS);
        await turn();
      }
      const store = await builder.build(reading.generation, { inStoreOrder: true });
      if (!sameKeyChecksum(keyChecksumOfStore(store), reading.checksum)) return null;
      const oldVisits = this.#visits.get(old);
      this.#visits.set(store, oldVisits === undefined ? await loadStageVisits(snapshot, store) : await refreshStageVisits(snapshot, old, oldVisits, store, replaced));
      return store;
    });
  }
}
