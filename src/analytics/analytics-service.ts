import { setImmediate as nextTurn } from 'node:timers/promises';
import { payloadMetaOf, type AnalyticsPayload, type PayloadSource } from '../domain/analytics-payload.js';
import { planAnalytics } from '../domain/analytics-plan.js';
import { isCacheable, normalizeLocaleIds, type AnalyticsQuery } from '../domain/analytics-query.js';
import type { DataGeneration, LatestGenerationReader } from '../domain/data-generation.js';
import { presetMatching, presetRanges, todayInZone, type SnapshotPresetKey } from '../domain/presets.js';
import type { AnalyticsEngine, EngineResult } from '../engine/analytics-engine.js';
import type { Logger } from '../logging/logger.js';
import { snapshotCacheKey } from './snapshot-key.js';
import { ServedBody, entityTagOf } from './served-body.js';
import type { SnapshotRepository } from './snapshot-repository.js';

export interface ServedPayload {
  /** The payload (SPEC §5) as JSON text: a snapshot is served as stored, never parsed and re-serialised. */
  readonly json: string;
  /** Also in the payload's `meta.source`; the HTTP layer copies it to `X-Analytics-Source`. */
  readonly source: PayloadSource;
  /** A strong entity tag of `json` (unquoted): it changes whenever the body does (SPEC §13). */
  readonly entityTag: string;
  /** A snapshot's bytes, identity and compressed once per snapshot and generation; null for a live answer. */
  readonly body: ServedBody | null;
}

/** Whether a cacheable request was served from a snapshot (`hit`) or computed live (`miss`). */
export type SnapshotLookup = 'hit' | 'miss';

/** Snapshots kept ready to serve in this process: the presets and the locale choices in use. */
const SERVED_SNAPSHOTS_KEPT = 64;

export interface BuiltSnapshot {
  readonly preset: SnapshotPresetKey;
  readonly cacheKey: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly durationMs: number;
}

export interface SnapshotRebuildReport {
  /** The sync run the snapshots reflect; null (and nothing built) before the first successful sync. */
  readonly generation: number | null;
  readonly built: readonly BuiltSnapshot[];
  /** Snapshots of older generations deleted. */
  readonly removed: number;
}

/**
 * The rules of SPEC §6 around an engine: which requests may be served from a snapshot, when a
 * snapshot is still valid (its generation is the latest successful sync), storing what a
 * cacheable request computed live, and the preset rebuild job.
 */
export interface AnalyticsService {
  query(query: AnalyticsQuery): Promise<ServedPayload>;
  /** Builds the four presets with no localeIds for the latest successful sync. */
  rebuildPresetSnapshots(): Promise<SnapshotRebuildReport>;
}

export interface AnalyticsServiceDependencies {
  /** The latest successful sync: which snapshots are valid. */
  readonly generations: LatestGenerationReader;
  readonly engine: AnalyticsEngine;
  readonly snapshots: SnapshotRepository;
  readonly clock: () => number;
  /** CRM_TIMEZONE: dates and presets are read in it. */
  readonly timeZone: string;
  readonly logger: Logger;
  /** Told of every cacheable request's outcome (the snapshot metrics). */
  readonly onSnapshotLookup?: (result: SnapshotLookup) => void;
}

function withMeta(result: EngineResult, source: PayloadSource, computedAt: number): AnalyticsPayload {
  return { ...result.body, meta: payloadMetaOf(source, computedAt, result.generation) };
}

/** The stored payload as served from a snapshot (JSON text); null when the row cannot be read. */
function servedSnapshot(json: string): string | null {
  try {
    const stored = JSON.parse(json) as AnalyticsPayload;
    return JSON.stringify({ ...stored, meta: { ...stored.meta, source: 'snapshot' } });
  } catch {
    return null;
  }
}

export function createAnalyticsService(deps: AnalyticsServiceDependencies): AnalyticsService {
  const { generations, engine, snapshots, clock, timeZone, logger } = deps;
  const lookup = deps.onSnapshotLookup ?? (() => undefined);
  // What a hit costs is mostly reading, parsing and re-serialising the stored payload: a snapshot
  // served once is kept here as text and bytes (compressed on demand, once), valid while its
  // generation is the latest successful sync.
  const served = new Map<string, { readonly generation: number; readonly payload: ServedPayload }>();
  const keepServed = (cacheKey: string, generation: number, json: string): ServedPayload => {
    const body = new ServedBody(json);
    const payload: ServedPayload = { json, source: 'snapshot', entityTag: body.entityTag, body };
    served.delete(cacheKey);
    served.set(cacheKey, { generation, payload });
    if (served.size > SERVED_SNAPSHOTS_KEPT) served.delete(served.keys().next().value ?? cacheKey);
    return payload;
  };

  /** `latest`: the latest successful sync when just read here, so the engine need not read it again. */
  async function compute(query: AnalyticsQuery, latest?: DataGeneration | null): Promise<{ result: EngineResult; computedAt: number }> {
    const computedAt = clock();
    return { result: await engine.compute(planAnalytics(query, timeZone), computedAt, latest), computedAt };
  }

  async function store(query: AnalyticsQuery, preset: SnapshotPresetKey | null, payload: AnalyticsPayload, generation: number) {
    await snapshots.save({
      cacheKey: snapshotCacheKey(query),
      preset,
      startDate: query.dateRange?.startDate ?? null,
      endDate: query.dateRange?.endDate ?? null,
      localeIds: normalizeLocaleIds(query.localeIds).join(','),
      payload: JSON.stringify(payload),
      generation,
      builtAt: Date.parse(payload.meta.computed_at),
    });
  }

  return {
    async query(query) {
      const cacheable = isCacheable(query);
      let latest: DataGeneration | null | undefined;
      if (cacheable) {
        const cacheKey = snapshotCacheKey(query);
        const generation = await generations.read();
        latest = generation;
        const kept = served.get(cacheKey);
        if (generation !== null && kept !== undefined && kept.generation === generation.id) {
          lookup('hit');
          return kept.payload;
        }
        const snapshot = generation === null ? null : await snapshots.find(cacheKey);
        if (generation !== null && snapshot !== null && snapshot.generation === generation.id) {
          const json = servedSnapshot(snapshot.payload);
          if (json !== null) {
            lookup('hit');
            return keepServed(cacheKey, snapshot.generation, json);
          }
          logger.warn({ generation: snapshot.generation }, 'unreadable analytics snapshot: computing live');
        }
      }

      if (cacheable) lookup('miss');
      const { result, computedAt } = await compute(query, latest);
      const payload = withMeta(result, 'live', computedAt);
      if (cacheable && result.generation !== null) {
        // The next identical request is served from this. A failed write costs only that.
        const preset =
          query.localeIds === undefined && query.dateRange
            ? presetMatching(query.dateRange, todayInZone(computedAt, timeZone))
            : null;
        await store(query, preset, payload, result.generation.id).catch((error: unknown) => {
          logger.warn({ err: error }, 'could not store an analytics snapshot');
        });
      }
      const json = JSON.stringify(payload);
      return { json, source: 'live', entityTag: entityTagOf(json), body: null };
    },

    async rebuildPresetSnapshots() {
      const latest = await generations.read();
      if (latest === null) return { generation: null, built: [], removed: 0 };
      const today = todayInZone(clock(), timeZone);
      const built: BuiltSnapshot[] = [];
      let generation = latest.id;
      for (const { preset, startDate, endDate } of presetRanges(today)) {
        // One preset is one request's worth of computing: a turn of the event loop between two
        // lets waiting requests in (on SQLite and the memory engine every step is synchronous).
        await nextTurn();
        const started = performance.now();
        const query: AnalyticsQuery = { dateRange: { startDate, endDate } };
        const { result, computedAt } = await compute(query, latest);
        // The engine reports the generation it actually read: a sync finishing meanwhile is not mislabelled.
        generation = result.generation?.id ?? generation;
        await store(query, preset, withMeta(result, 'live', computedAt), generation);
        built.push({ preset, cacheKey: snapshotCacheKey(query), startDate, endDate, durationMs: performance.now() - started });
      }
      const removed = await snapshots.deleteBefore(latest.id);
      return { generation, built, removed };
    },
  };
}
