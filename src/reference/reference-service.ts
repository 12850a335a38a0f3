import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { FilterOptions } from '../domain/filter-options.js';
import { createPipelineStageCatalog, type PipelineStageCatalog } from './pipeline-stage-catalog.js';
import { createReferenceRepository } from './reference-repository.js';

/**
 * The CRM's reference data as the rest of the service needs it: which stage names the `stage`
 * parameter may name (cached briefly), and what the dashboard's selects offer.
 */
export interface ReferenceService {
  readonly pipelineStages: PipelineStageCatalog;
  /** Locales and pipeline stages for the dashboard's filters, and CRM_TIMEZONE for its presets. */
  filterOptions(): Promise<FilterOptions>;
}

export function createReferenceService(
  db: Kysely<Database>,
  options: { readonly timezone: string; readonly staleAfterSeconds: number },
): ReferenceService {
  const repository = createReferenceRepository(db);
  return {
    pipelineStages: createPipelineStageCatalog(repository),
    async filterOptions() {
      const [locales, stages] = await Promise.all([repository.locales(), repository.stages()]);
      return { timezone: options.timezone, stale_after_seconds: options.staleAfterSeconds, locales, stages };
    },
  };
}
