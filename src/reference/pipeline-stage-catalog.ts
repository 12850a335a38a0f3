import type { ReferenceRepository } from './reference-repository.js';

/** The names of `crm_stages`, which the `stage` parameter may name (SPEC §4). */
export interface PipelineStageCatalog {
  has(name: string): Promise<boolean>;
}

export interface PipelineStageCatalogOptions {
  /** How long a read of `crm_stages` is trusted. */
  readonly ttlMs?: number;
  /** An unknown name re-reads the table, at most this often: a stage added a moment ago is known at once. */
  readonly missRefreshMs?: number;
  readonly clock?: () => number;
}

/**
 * Stage names cached briefly: validation runs on every filtered request and the pipeline changes
 * rarely. Concurrent requests share one read.
 */
export function createPipelineStageCatalog(
  repository: Pick<ReferenceRepository, 'stageNames'>,
  options: PipelineStageCatalogOptions = {},
): PipelineStageCatalog {
  const ttlMs = options.ttlMs ?? 30_000;
  const missRefreshMs = options.missRefreshMs ?? 1_000;
  const clock = options.clock ?? Date.now;
  let names: Promise<ReadonlySet<string>> | null = null;
  let readAt = Number.NEGATIVE_INFINITY;

  const load = (): Promise<ReadonlySet<string>> => {
    readAt = clock();
    const reading: Promise<ReadonlySet<string>> = repository.stageNames();
    // A failed read is not cached: the next request tries again.
    reading.catch(() => {
      if (names === reading) names = null;
    });
    names = reading;
    return reading;
  };

  return {
    async has(name) {
      const age = clock() - readAt;
      const known = await (names === null || age >= ttlMs ? load() : names);
      if (known.has(name)) return true;
      if (clock() - readAt < missRefreshMs) return false;
      return (await load()).has(name);
    },
  };
}
