import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations/migrate.js';
import { LEAD_COLUMNS } from '../src/domain/lead-columns.js';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-databases.js';
import { testDialects } from './support/test-application.js';

/**
 * The declaration of `crm_analytics_leads` (src/domain/lead-columns.ts), from which the sync and
 * the memory engine derive their column lists, is the table the released migrations create.
 */
describe.each(testDialects())('the declared columns of crm_analytics_leads on $dialect', (target) => {
  let scratch: ScratchDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    scratch = await createScratchDatabase(target.dialect, target.adminUrl);
    handle = openDatabase(scratch.location, { poolSize: 1 });
    await migrateToLatest(handle, { sourceSchema: false });
  });
  afterAll(async () => {
    await handle.close();
    await scratch.drop();
  });

  it('are the migrated table\'s columns, in order, with their nullability', async () => {
    const tables = await handle.db.introspection.getTables();
    const table = tables.find((candidate) => candidate.name === 'crm_analytics_leads');
    expect(table?.columns.map((column) => ({ name: column.name, nullable: column.isNullable }))).toEqual(
      LEAD_COLUMNS.map((column) => ({ name: column.name, nullable: column.nullable })),
    );
  });
});
