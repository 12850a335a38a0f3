import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import { SERVICE_TABLE_NAMES, SOURCE_TABLE_NAMES } from '../../src/db/schema.js';
import { comparableLeads, emptyCrm, type ComparableLead, type CrmModel, type SourceRow, type SourceTableName } from './reference-leads.js';

/**
 * A CRM written to the database and kept in memory side by side: every change goes to both, so
 * the reference implementation can say what the sync should have produced.
 */
export class MirroredCrm {
  readonly model: CrmModel = emptyCrm();

  constructor(private readonly database: DatabaseHandle) {}

  async insert<T extends SourceTableName>(table: T, rows: readonly SourceRow<T>[]): Promise<void> {
    if (rows.length === 0) return;
    (this.model[table] as SourceRow<T>[]).push(...rows.map((row) => ({ ...row })));
    await this.#untyped().insertInto(table).values(rows).execute();
  }

  async update<T extends SourceTableName>(table: T, id: number, patch: Partial<SourceRow<T>>): Promise<void> {
    const row = (this.model[table] as { id: number }[]).find((candidate) => candidate.id === id);
    if (row === undefined) throw new Error(`${table} ${id} is not in the model`);
    Object.assign(row, patch);
    await this.#untyped().updateTable(table as string).set(patch as Record<string, unknown>).where('id', '=', id).execute();
  }

  async remove(table: SourceTableName, id: number): Promise<void> {
    const rows = this.model[table] as { id: number }[];
    rows.splice(rows.findIndex((row) => row.id === id), 1);
    await this.#untyped().deleteFrom(table as string).where('id', '=', id).execute();
  }

  /** Kysely's typing cannot follow a table name chosen at run time: a view where every table has an id. */
  #untyped() {
    return this.database.db as unknown as Kysely<Record<string, { id: number } & Record<string, unknown>>>;
  }

  nextId(table: SourceTableName): number {
    return (this.model[table] as { id: number }[]).reduce((max, row) => Math.max(max, row.id), 0) + 1;
  }

  /** Empties every source table and the service's tables, in the database and in memory. */
  async reset(): Promise<void> {
    for (const table of [...SOURCE_TABLE_NAMES, ...SERVICE_TABLE_NAMES]) {
      await sql`delete from ${sql.table(table)}`.execute(this.database.db);
    }
    for (const table of SOURCE_TABLE_NAMES) this.model[table].length = 0;
  }

  /** Inserts a whole CRM, `sliceSize` rows per statement (within every driver's parameter limit). */
  async load(crm: CrmModel, sliceSize = 500): Promise<void> {
    for (const table of SOURCE_TABLE_NAMES) {
      const rows = crm[table];
      for (let start = 0; start < rows.length; start += sliceSize) await this.insert(table, rows.slice(start, start + sliceSize));
    }
  }
}

/** `crm_analytics_leads` as it is now, in the comparable form. */
export async function readLeads(database: DatabaseHandle): Promise<ComparableLead[]> {
  return comparableLeads(await database.db.selectFrom('crm_analytics_leads').selectAll().execute());
}
