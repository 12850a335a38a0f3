import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config/config.js';
import type { DatabaseHandle } from '../db/database.js';
import { databaseNow } from '../db/database-clock.js';
import { formatDbDateTime, parseDbDateTime } from '../db/datetime.js';
import type { HeldLock, SqlDialect } from '../db/dialect.js';
import { retryTransient } from '../db/retry.js';
import { inTransaction } from '../db/transaction.js';
import type { Database, DbDateTime } from '../db/schema.js';
import type { DataGeneration, RunInProgress } from '../domain/data-generation.js';
import { RECORD_TYPES, type LeadKey, type RecordType } from '../domain/lead.js';
import type { Logger } from '../logging/logger.js';
import { dirtyCompanyIds, dirtyProspectIds, idSpan, leadsQuery } from './lead-source-queries.js';
import {
  chunkRowsBySyncedAt,
  countLeadsSyncedAt,
  deleteLeadRows,
  leastRecentlySynced,
  nonQualifyingLeadKeys,
  upsertLeadRowsFrom,
} from './leads-table.js';
import { deleteStageVisits, rewriteStageVisits, stageVisitsNeverBuilt } from './stage-visits-table.js';
import type { SyncCompletedEvent, SyncCounts, SyncListener, SyncOutcomeListener, SyncResult, SyncRunOutcome } from './sync-events.js';
import { finishRunFailed, finishRunOk, markInterruptedRuns, startRun, syncLog, watermarkBoundOf } from './sync-log.js';

/** The name of the lock that keeps runs one at a time across every process sharing the database. */
export const SYNC_LOCK_NAME = 'crm_analytics_sync';

/**
 * The test seam of the sync (see docs/sync.md): `afterChunk` runs after each chunk (or full-build id
 * range) has been committed; what it throws fails the run right there, as a crash would.
 */
export interface SyncTestHooks {
  afterChunk?(chunk: { readonly index: number; readonly fullBuild: boolean }): void | Promise<void>;
}

export interface SyncProgress {
  /** Source ids covered so far and in all (the full build walks id ranges). */
  readonly done: number;
  readonly total: number;
}

export interface SyncRunOptions {
  /** Progress of a full build (the first run), to draw a bar. Incremental runs are quick and silent. */
  readonly onProgress?: (progress: SyncProgress) => void;
}

export interface SyncServiceOptions {
  readonly database: DatabaseHandle;
  readonly settings: AppConfig['sync'];
  readonly logger: Logger;
  readonly testHooks?: SyncTestHooks;
}

/**
 * Ids per range of the full build, as a multiple of SYNC_BATCH_SIZE: the rows never leave the
 * database there, so a range can be much larger than a chunk.
 */
const FULL_BUILD_RANGE_FACTOR = 20;

/** Ids one chunk may bind at most: SYNC_BATCH_SIZE, within the driver's parameter limit. */
function chunkSize(settings: AppConfig['sync'], dialect: SqlDialect): number {
  return Math.max(1, Math.min(settings.batchSize, dialect.statements.maxBindParameters - 100));
}

/**
 * The incremental sync of `crm_analytics_leads` (SPEC §7). One run at a time across processes;
 * a concurrent call is skipped without writing anything. After a successful run the listeners
 * registered with `onCompleted` run, still under the lock, so derived data (snapshots) is built
 * in run order.
 */
export class SyncService {
  readonly #options: SyncServiceOptions;
  readonly #listeners = new Set<SyncListener>();
  readonly #outcomeListeners = new Set<SyncOutcomeListener>();
  /** Runs of this process still going: a clean shutdown waits for them, so locks are released. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /** The run this process is in, from its `running` row to its last listener. */
  #currentRun: RunInProgress | null = null;

  constructor(options: SyncServiceOptions) {
    this.#options = options;
  }

  /**
   * The run this process has under way (its `running` row is written, its listeners have not all
   * returned), else null. Once that run commits its `ok` row it is the latest generation, and its
   * call has not returned yet: the memory engine serves the store of the generation the run
   * follows until its listener has refreshed it, rather than answer the moment between through SQL.
   */
  get currentRun(): RunInProgress | null {
    return this.#currentRun;
  }

  /** Registers a listener of successful runs; returns its unregistration. */
  onCompleted(listener: SyncListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Registers a listener of every call's outcome (ok, failed, skipped), told once the call has
   * ended; returns its unregistration. What it throws is logged and ignored.
   */
  onOutcome(listener: SyncOutcomeListener): () => void {
    this.#outcomeListeners.add(listener);
    return () => {
      this.#outcomeListeners.delete(listener);
    };
  }

  /** One run: `{ skipped: true }` when another run holds the lock; throws (after logging the run `failed`) on error. */
  async run(options: SyncRunOptions = {}): Promise<SyncResult> {
    if (this.#inFlight.size > 0) {
      // This process is running one already: no need to ask the database's lock.
      this.#options.logger.info('sync skipped: a run of this process is in progress');
      this.#tell({ status: 'skipped' });
      return { skipped: true };
    }
    const started = performance.now();
    const running = this.#runOnce(options);
    this.#inFlight.add(running);
    try {
      const result = await running;
      this.#tell(result.skipped ? { status: 'skipped' } : { status: 'ok', durationSeconds: result.durationMs / 1000 });
      return result;
    } catch (error) {
      this.#tell({ status: 'failed', durationSeconds: (performance.now() - started) / 1000 });
      throw error;
    } finally {
      this.#inFlight.delete(running);
    }
  }

  #tell(outcome: SyncRunOutcome): void {
    for (const listener of [...this.#outcomeListeners]) {
      try {
        listener(outcome);
      } catch (error) {
        this.#options.logger.error({ err: error }, 'a sync outcome listener failed');
      }
    }
  }

  /** Resolves once no run started by this process is in progress (whatever their outcome). */
  async whenIdle(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  async #runOnce(options: SyncRunOptions): Promise<SyncResult> {
    const { db, dialect } = this.#options.database;
    const outcome = await dialect.locks.withExclusiveLock(db, SYNC_LOCK_NAME, (connection, lock) =>
      this.#runLocked(connection, lock, options),
    );
    if (!outcome.acquired) {
      this.#options.logger.info('sync skipped: another run holds the lock');
      return { skipped: true };
    }
    return outcome.value;
  }

  async #runLocked(db: Kysely<Database>, lock: HeldLock, options: SyncRunOptions): Promise<SyncResult> {
    const { logger } = this.#options;
    const { dialect } = this.#options.database;
    const started = performance.now();
    const startedAt = await databaseNow(db, dialect);
    const interrupted = await markInterruptedRuns(db, dialect);
    if (interrupted > 0) logger.warn({ interrupted }, 'marked sync runs left running by a stopped process as failed');
    const previous = await syncLog.latestGeneration(db);
    const runId = await startRun(db, dialect, startedAt);
    this.#currentRun = { id: runId, follows: previous?.id ?? null };
    try {
      return await this.#runLogged({ runId, startedAt, started, previous }, db, lock, options);
    } finally {
      this.#currentRun = null;
    }
  }

  /** The run whose `running` row is written: its steps, its `ok` or `failed` row, its listeners. */
  async #runLogged(
    { runId, startedAt, started, previous }: { readonly runId: number; readonly startedAt: DbDateTime; readonly started: number; readonly previous: DataGeneration | null },
    db: Kysely<Database>,
    lock: HeldLock,
    options: SyncRunOptions,
  ): Promise<SyncResult> {
    const { settings, logger, testHooks } = this.#options;
    const { dialect } = this.#options.database;
    const run = new SyncRun({ db, dialect, lock, settings, testHooks, syncedAt: startedAt, onProgress: options.onProgress });

    let fullBuild = false;
    let watermark: DbDateTime;
    let durationMs: number;
    try {
      // Leads without visits (the visits table came with an upgrade): a full build fills it.
      const previousWatermark = previous === null || (await stageVisitsNeverBuilt(db)) ? null : watermarkBoundOf(previous);
      fullBuild = previousWatermark === null;
      if (previousWatermark === null) await run.buildAll();
      else await run.refresh(previousWatermark);
      await run.deleteNonQualifying();
      lock.assertHeld();
      watermark = formatDbDateTime(parseDbDateTime(startedAt) - settings.lookbackSeconds * 1000);
      durationMs = Math.round(performance.now() - started);
      await finishRunOk(db, dialect, runId, { ...run.counts, watermark, durationMs });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failure = { ...run.counts, error: message, durationMs: Math.round(performance.now() - started) };
      // The run's own connection may be what failed (killed, dropped): then log through the pool.
      await finishRunFailed(db, dialect, runId, failure)
        .catch(() => finishRunFailed(this.#options.database.db, dialect, runId, failure))
        .catch((logError: unknown) => logger.error({ err: logError, runId }, 'could not log the failed sync run'));
      logger.error({ err: error, runId }, 'sync failed');
      throw error;
    }

    logger.info({ runId, fullBuild, watermark, durationMs, ...run.counts }, 'sync finished');
    await this.#notify({
      runId,
      watermark,
      fullBuild,
      deletedKeys: run.deletedKeys,
    });
    return { skipped: false, runId, fullBuild, watermark, durationMs, ...run.counts };
  }

  async #notify(event: SyncCompletedEvent): Promise<void> {
    for (const listener of [...this.#listeners]) {
      // Each listener starts on a turn of the event loop of its own: what one computes in a
      // serving process (a store refresh, the presets' aggregates) does not run on, without a
      // break, from the end of the one before (docs/memory-engine.md, "no pauses").
      await nextTurn();
      try {
        await listener(event);
      } catch (error) {
        this.#options.logger.error({ err: error, runId: event.runId }, 'a sync listener failed; the run stays ok');
      }
    }
  }
}

interface SyncRunContext {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  readonly lock: HeldLock;
  readonly settings: AppConfig['sync'];
  readonly testHooks: SyncTestHooks | undefined;
  /** The run's `started_at`, written as `synced_at` on every row it touches. */
  readonly syncedAt: DbDateTime;
  readonly onProgress: ((progress: SyncProgress) => void) | undefined;
}

/** The steps of one run (SPEC §7 steps 3–6), and what they counted. */
class SyncRun {
  counts: SyncCounts = { dirtyCount: 0, rollingCount: 0, upsertedCount: 0, deletedCount: 0 };
  readonly deletedKeys: LeadKey[] = [];
  #chunkIndex = 0;

  constructor(private readonly context: SyncRunContext) {}

  /** The first run: every lead, walked by id ranges with one `insert … select` per range and record type. */
  async buildAll(): Promise<void> {
    const { db, dialect, settings, syncedAt, onProgress } = this.context;
    const spans = { company: await idSpan(db, 'company'), prospect: await idSpan(db, 'prospect') };
    const rangeSize = settings.batchSize * FULL_BUILD_RANGE_FACTOR;
    const total = RECORD_TYPES.reduce((sum, type) => sum + (spans[type] ? spans[type].max - spans[type].min + 1 : 0), 0);
    this.#count({ dirtyCount: (spans.company?.count ?? 0) + (spans.prospect?.count ?? 0) });
    let done = 0;
    onProgress?.({ done, total });
    for (const type of RECORD_TYPES) {
      const span = spans[type];
      if (span === null) continue;
      for (let fromId = span.min; fromId <= span.max; fromId += rangeSize) {
        const toId = Math.min(fromId + rangeSize, span.max + 1);
        await this.#inChunk(
          true,
          async (trx) => {
            await upsertLeadRowsFrom(trx, dialect, leadsQuery(type, trx, dialect, { fromId, toId }, syncedAt));
            // The range's visits in the same transaction (SPEC §12), derived in the database.
            await rewriteStageVisits(trx, type, { fromId, toId });
          },
          () => {
            done += toId - fromId;
            onProgress?.({ done, total });
          },
        );
      }
    }
    this.#count({ upsertedCount: await countLeadsSyncedAt(db, dialect, syncedAt) });
  }

  /** Steps 3–5: the dirty records since `watermark` and the rolling refresh, re-fetched in chunks. */
  async refresh(watermark: DbDateTime): Promise<void> {
    const { db, settings } = this.context;
    const dirty: Record<RecordType, Set<number>> = {
      company: new Set(await dirtyCompanyIds(db, watermark)),
      prospect: new Set(await dirtyProspectIds(db, watermark)),
    };
    const dirtyCount = dirty.company.size + dirty.prospect.size;
    // Each of these statements runs synchronously on SQLite: requests get a turn between them.
    await yieldToOtherWork();
    // The oldest rows that are not dirty: at most dirtyCount of the first rollingSize + dirtyCount are.
    const rolling = settings.rollingSize > 0 ? await leastRecentlySynced(db, settings.rollingSize + dirtyCount) : [];
    await yieldToOtherWork();
    const refreshed = rolling.filter((key) => !dirty[key.record_type].has(key.record_id)).slice(0, settings.rollingSize);
    this.#count({ dirtyCount, rollingCount: refreshed.length });

    const ids = { company: new Set(dirty.company), prospect: new Set(dirty.prospect) };
    for (const key of refreshed) ids[key.record_type].add(key.record_id);
    // Sorted, without duplicates: every run takes row locks in the same order.
    const keys: LeadKey[] = RECORD_TYPES.flatMap((type) =>
      [...ids[type]].sort((a, b) => a - b).map((record_id) => ({ record_type: type, record_id })),
    );
    const size = chunkSize(settings, this.context.dialect);
    for (let start = 0; start < keys.length; start += size) {
      const chunk = keys.slice(start, start + size);
      await this.#inChunk(
        false,
        (trx) => this.#syncChunk(trx, chunk),
        ({ upsertedCount, deleted }) => {
          this.deletedKeys.push(...deleted);
          this.#count({ upsertedCount, deletedCount: deleted.length });
        },
      );
    }
  }

  /** Step 6: rows whose record no longer qualifies or no longer exists, whatever the timestamps say. */
  async deleteNonQualifying(): Promise<void> {
    const { db, settings } = this.context;
    const stale = await nonQualifyingLeadKeys(db);
    const size = chunkSize(settings, this.context.dialect);
    for (let start = 0; start < stale.length; start += size) {
      const chunk = stale.slice(start, start + size);
      await retryTransient(this.context.dialect, () =>
        inTransaction(db, async (trx) => {
          for (const type of RECORD_TYPES) {
            const ids = chunk.filter((key) => key.record_type === type).map((key) => key.record_id);
            await deleteLeadRows(trx, type, ids);
            await deleteStageVisits(trx, type, { ids });
          }
        }),
      );
      this.deletedKeys.push(...chunk);
      this.#count({ deletedCount: chunk.length });
      await yieldToOtherWork();
    }
  }

  /**
   * One chunk: re-fetch per record type with the denormalized query straight into the table (an
   * upsert of the leads that qualify), then delete the chunk's rows that this chunk did not write:
   * their records no longer qualify.
   */
  async #syncChunk(trx: Kysely<Database>, chunk: readonly LeadKey[]): Promise<{ upsertedCount: number; deleted: LeadKey[] }> {
    const { dialect, syncedAt } = this.context;
    let upsertedCount = 0;
    const deleted: LeadKey[] = [];
    for (const type of RECORD_TYPES) {
      const ids = chunk.filter((key) => key.record_type === type).map((key) => key.record_id);
      if (ids.length === 0) continue;
      await upsertLeadRowsFrom(trx, dialect, leadsQuery(type, trx, dialect, { ids }, syncedAt));
      const { written, stale } = await chunkRowsBySyncedAt(trx, type, ids, syncedAt);
      await deleteLeadRows(trx, type, stale);
      // Every lead of the chunk gets its visits rewritten; those just deleted keep none (SPEC §12).
      await rewriteStageVisits(trx, type, { ids });
      upsertedCount += written.length;
      for (const record_id of stale) deleted.push({ record_type: type, record_id });
    }
    return { upsertedCount, deleted };
  }

  /**
   * A chunk is its own transaction, retried on transient errors, under a lock that must still be
   * ours; `committed` records what it did before the test seam may stop the run.
   */
  async #inChunk<T>(fullBuild: boolean, work: (trx: Kysely<Database>) => Promise<T>, committed: (result: T) => void): Promise<void> {
    const { db, dialect, lock, testHooks } = this.context;
    lock.assertHeld();
    committed(await retryTransient(dialect, () => inTransaction(db, work)));
    const index = this.#chunkIndex;
    this.#chunkIndex += 1;
    await testHooks?.afterChunk?.({ index, fullBuild });
    await yieldToOtherWork();
  }

  #count(delta: Partial<SyncCounts>): void {
    this.counts = {
      dirtyCount: this.counts.dirtyCount + (delta.dirtyCount ?? 0),
      rollingCount: this.counts.rollingCount + (delta.rollingCount ?? 0),
      upsertedCount: this.counts.upsertedCount + (delta.upsertedCount ?? 0),
      deletedCount: this.counts.deletedCount + (delta.deletedCount ?? 0),
    };
  }
}

/**
 * Lets queued work (API requests) use the connection between chunks. Kysely's SQLite driver has one
 * connection behind a mutex that the sync would otherwise re-take before any waiter woke up,
 * stalling the API of this process for the whole run.
 */
function yieldToOtherWork(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
