import { sql } from 'kysely';
import { insertRows } from '../db/bulk-insert.js';
import type { DatabaseHandle } from '../db/database.js';
import { generateDemoCrm, type DemoCrmOptions } from './crm-generator.js';
import { SOURCE_COLUMNS, SOURCE_TABLE_WRITE_ORDER, type SourceTableName } from './source-columns.js';

export interface SeedProgress {
  readonly leadsDone: number;
  readonly leadsTotal: number;
}

export interface SeedOptions extends DemoCrmOptions {
  readonly onProgress?: (progress: SeedProgress) => void;
}

export interface SeedReport {
  readonly leads: number;
  readonly rows: Readonly<Record<SourceTableName, number>>;
  readonly durationMs: number;
}

export class CrmNotEmptyError extends Error {
  override readonly name = 'CrmNotEmptyError';
}

async function countRows(handle: DatabaseHandle, table: 'companies' | 'prospection_users'): Promise<number> {
  const row = await handle.db.selectFrom(table).select(sql<number>`count(*)`.as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** True when the CRM source tables hold no company and no prospect. */
export async function isCrmEmpty(handle: DatabaseHandle): Promise<boolean> {
  return (await countRows(handle, 'companies')) === 0 && (await countRows(handle, 'prospection_users')) === 0;
}

/**
 * Streams a generated CRM into the source tables, one transaction per batch of leads, so memory
 * stays flat however many leads are asked for. The tables must be empty: the generator chooses ids.
 */
export async function seedDemoCrm(handle: DatabaseHandle, options: SeedOptions): Promise<SeedReport> {
  if (!(await isCrmEmpty(handle))) {
    throw new CrmNotEmptyError('the CRM source tables already hold companies or prospects; seed fills an empty CRM');
  }
  const started = performance.now();
  const rows = Object.fromEntries(SOURCE_TABLE_WRITE_ORDER.map((table) => [table, 0])) as Record<SourceTableName, number>;
  let leadsDone = 0;

  await handle.dialect.connections.withBulkLoad(handle.db, async () => {
    for (const batch of generateDemoCrm(options)) {
      await handle.db.transaction().execute(async (trx) => {
        for (const table of SOURCE_TABLE_WRITE_ORDER) {
          const tableRows = batch.rows[table];
          if (tableRows.length === 0) continue;
          await insertRows(trx, handle.dialect, table, SOURCE_COLUMNS[table], tableRows);
          rows[table] += tableRows.length;
        }
      });
      leadsDone += batch.leads;
      options.onProgress?.({ leadsDone, leadsTotal: options.leads });
    }
  });

  for (const table of SOURCE_TABLE_WRITE_ORDER) await handle.dialect.statements.syncIdSequence(handle.db, table);
  return { leads: leadsDone, rows, durationMs: Math.round(performance.now() - started) };
}
