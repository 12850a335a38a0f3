import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import type { SqlDialect } from '../dialect.js';
import type { VersionedMigration } from './migration.js';
import { createAnalyticsTables } from './service/0001-create-analytics-tables.js';
import { createLocksTable } from './service/0002-create-locks-table.js';
import { createStageVisits } from './service/0003-create-stage-visits.js';
import { createLeadListIndexes } from './service/0004-create-lead-list-indexes.js';
import { createCrmSourceTables } from './source/0001-create-crm-source-tables.js';

/** The service's own tables (SPEC §2), in the order they run. */
export const SERVICE_MIGRATIONS: readonly VersionedMigration[] = [createAnalyticsTables, createLocksTable, createStageVisits, createLeadListIndexes];
/** The CRM source tables (SPEC §1), created only on request (`migrate --source-schema`). */
export const SOURCE_MIGRATIONS: readonly VersionedMigration[] = [createCrmSourceTables];

/**
 * Each set keeps its own bookkeeping tables, prefixed like everything else the service owns, so
 * the source schema can be created or left out independently of the service's tables.
 */
const MIGRATION_SETS = {
  service: { migrations: SERVICE_MIGRATIONS, table: 'crm_analytics_migrations' },
  source: { migrations: SOURCE_MIGRATIONS, table: 'crm_analytics_source_migrations' },
} as const;

export type MigrationSetName = keyof typeof MIGRATION_SETS;

export interface MigrationReport {
  readonly set: MigrationSetName;
  /** Migrations this call applied; empty when the set was already up to date. */
  readonly applied: readonly string[];
}

function providerFor(migrations: readonly VersionedMigration[], dialect: SqlDialect): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve(
        Object.fromEntries(
          migrations.map((migration): [string, Migration] => [
            migration.name,
            { up: (db: Kysely<unknown>) => migration.up(db, dialect.schema) },
          ]),
        ),
      ),
  };
}

async function migrateSet(handle: DatabaseHandle, set: MigrationSetName): Promise<MigrationReport> {
  const { migrations, table } = MIGRATION_SETS[set];
  const migrator = new Migrator({
    db: handle.db,
    provider: providerFor(migrations, handle.dialect),
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(failed ? `migration ${set}/${failed} failed: ${reason}` : `migrations failed: ${reason}`, {
      cause: error,
    });
  }
  return { set, applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Brings the schema to the latest version; running it again is harmless. */
export async function migrateToLatest(
  handle: DatabaseHandle,
  options: { sourceSchema: boolean },
): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = [];
  if (options.sourceSchema) reports.push(await migrateSet(handle, 'source'));
  reports.push(await migrateSet(handle, 'service'));
  return reports;
}

/**
 * Whether `--source-schema` migrations may run here: the source tables are absent, or this
 * service created them. A real CRM's own tables are never touched.
 */
export async function managesSourceSchema(handle: DatabaseHandle): Promise<boolean> {
  const tables = new Set((await handle.db.introspection.getTables()).map((table) => table.name));
  return !tables.has('companies') || tables.has(MIGRATION_SETS.source.table);
}
