import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';

describe('closing an embedded SQLite database', () => {
  it('lets go of every file before close() resolves (the WAL checkpointer, the long reads\' worker) and opens none after', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'crm-analytics-close-'));
    try {
      for (let round = 0; round < 8; round++) {
        const database = openDatabase({ dialect: 'sqlite', url: join(directory, 'crm.sqlite') }, { poolSize: 1 });
        await sql`create table if not exists t (id integer primary key, v text)`.execute(database.db);
        await sql`insert into t (v) values (${'x'.repeat(10_000)})`.execute(database.db);
        await sql`select count(*) from t`.execute(database.shortReads);
        // The long reads' connection, in its worker thread (every other round: also unused).
        if (round % 2 === 0) await sql`select count(*) from t`.execute(database.longReads);
        // Long enough for the checkpointer's thread to have opened its connection (and checkpointed).
        await new Promise((resolve) => setTimeout(resolve, 300));
        await database.close();
        // The last connection to close checkpoints and removes the -wal and -shm files.
        expect(readdirSync(directory)).toEqual(['crm.sqlite']);
        // Closed is closed: not even a connection never used before opens now.
        for (const db of [database.db, database.shortReads, database.longReads]) {
          await expect(sql`select 1`.execute(db)).rejects.toThrow();
        }
        expect(readdirSync(directory)).toEqual(['crm.sqlite']);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
