import type { Kysely } from 'kysely';
import type { FilterOptions } from '../domain/filter-options.js';
import type { Database } from './schema.js';

/** Two small reads of the CRM's reference tables; no lead data. */
export async function readFilterOptions(db: Kysely<Database>, timezone: string): Promise<FilterOptions> {
  const [locales, stages] = await Promise.all([
    db.selectFrom('locales').select(['id', 'code', 'name', 'currency']).orderBy('name').orderBy('id').execute(),
    db.selectFrom('crm_stages').select(['name', 'color', 'position']).orderBy('position').orderBy('name').execute(),
  ]);
  return {
    timezone,
    locales: locales.map((row) => ({ id: Number(row.id), code: row.code, name: row.name, currency: row.currency })),
    stages: stages.map((row) => ({ name: row.name, color: row.color, position: Number(row.position) })),
  };
}
