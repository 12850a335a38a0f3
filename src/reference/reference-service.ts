import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { FilterOptions } from '../domain/filter-options.js';
import type { PipelineStage } from '../domain/stage-history.js';
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
  /** Every `crm_stages` row in pipeline order (position, then id), read now: stage history (SPEC §12). */
  stageRows(): Promise<PipelineStage[]>;
}

export function createReferenceService(
  db: Kysely<Database>,
  options: { readonly timezone: string; readonly staleAfterSeconds: number },
): ReferenceService {
  const repository = createReferenceRepository(db);
  return {
    pipelineStages: createPipelineStageCatalog(repository),
    stageRows: () => repository.pipelineStages(),
    async filterOptions() {
      const [locales, stages] = await Promise.all([repository.locales(), repository.stages()]);
      return { timezone: options.timezone, stale_after_seconds: options.staleAfterSeconds, locales, stages };
    },
  };
}
