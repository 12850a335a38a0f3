import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { LocaleOption, StageOption } from '../domain/filter-options.js';
import type { PipelineStage } from '../domain/stage-history.js';

/**
 * The reads of the CRM's reference tables (`locales`, `crm_stages`): small, and never lead data.
 * Only src/reference/ reads them; the rest of the service asks the reference service.
 */
export interface ReferenceRepository {
  /** Sorted by name, then id. */
  locales(): Promise<LocaleOption[]>;
  /** In pipeline order: by position, then name. */
  stages(): Promise<StageOption[]>;
  /** Every `crm_stages.name`. */
  stageNames(): Promise<Set<string>>;
  /** Every `crm_stages` row with its id, in pipeline order: position, then id (SPEC §12). */
  pipelineStages(): Promise<PipelineStage[]>;
}

export function createReferenceRepository(db: Kysely<Database>): ReferenceRepository {
  return {
    async locales() {
      const rows = await db.selectFrom('locales').select(['id', 'code', 'name', 'currency']).orderBy('name').orderBy('id').execute();
      return rows.map((row) => ({ id: Number(row.id), code: row.code, name: row.name, currency: row.currency }));
    },
    async stages() {
      const rows = await db.selectFrom('crm_stages').select(['name', 'color', 'position']).orderBy('position').orderBy('name').execute();
      return rows.map((row) => ({ name: row.name, color: row.color, position: Number(row.position) }));
    },
    async pipelineStages() {
      const rows = await db.selectFrom('crm_stages').select(['id', 'name', 'color', 'position']).orderBy('position').orderBy('id').execute();
      return rows.map((row) => ({ stage_id: Number(row.id), stage_name: row.name, stage_color: row.color, position: Number(row.position) }));
    },
    async stageNames() {
      const rows = await db.selectFrom('crm_stages').select('name').execute();
      return new Set(rows.map((row) => row.name));
    },
  };
}
