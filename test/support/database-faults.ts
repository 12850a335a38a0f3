import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import type { DatabaseLocation } from '../../src/db/database-url.js';
import type { DialectName } from '../../src/db/dialect.js';
import { openSqliteFile } from '../../src/db/dialects/sqlite/sqlite-dialect.js';
import type { Database } from '../../src/db/schema.js';
import type { LeadKey } from '../../src/domain/lead.js';

/**
 * Faults a test can inject into a database from the outside, per dialect: hold a lock that the
 * sync's next statement will wait on (so a test knows the sync is inside a chunk's transaction),
 * find the session that waits, and kill it as an operator or a failing network would.
 */

/** A lock held by another session until released. */
export interface HeldBlocker {
  release(): Promise<void>;
}

/**
 * MySQL/PostgreSQL: `select … for update` on one row of `crm_analytics_leads` in an open
 * transaction: the sync's upsert of that row waits. SQLite: `begin immediate` on another
 * connection: the sync's first write waits (busy_timeout).
 */
export async function blockLeadRow(location: DatabaseLocation, key: LeadKey): Promise<HeldBlocker> {
  if (location.dialect === 'sqlite') {
    const connection = openSqliteFile(location.url);
    connection.exec('begin immediate');
    return {
      release: () => {
        connection.exec('rollback');
        connection.close();
        return Promise.resolve();
      },
    };
  }
  const handle = openDatabase(location, { poolSize: 2 });
  let locked = () => undefined as void;
  let release = () => undefined as void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const transaction = handle.db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('crm_analytics_leads')
      .select('record_id')
      .where('record_type', '=', key.record_type)
      .where('record_id', '=', key.record_id)
      .forUpdate()
      .execute();
    locked();
    await released;
  });
  await Promise.race([isLocked, transaction]);
  return {
    release: async () => {
      release();
      await transaction.catch(() => undefined);
      await handle.close();
    },
  };
}

/** Sessions of this database waiting in a statement on crm_analytics_leads (MySQL/PostgreSQL); null where no one can tell (SQLite). */
const WAITING_SESSIONS: Record<DialectName, (db: Kysely<Database>) => Promise<number[] | null>> = {
  sqlite: () => Promise.resolve(null),
  // MariaDB's information_schema.innodb_trx proved unreliable under load (a waiting statement
  // missing from it for seconds): the sessions whose statement writes crm_analytics_leads are the
  // candidates; the caller takes one only once it has seen it waiting twice in a row.
  mysql: async (db) => {
    const { rows } = await sql<{ id: number }>`
      select id from information_schema.processlist
      where db = database() and command = 'Query' and id <> connection_id()
        and (info like 'insert into \`crm_analytics_leads\`%' or info like 'delete from \`crm_analytics_leads\`%')`.execute(db);
    return rows.map((row) => Number(row.id));
  },
  postgres: async (db) => {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`.execute(db);
    return rows.map((row) => Number(row.pid));
  },
};

/** Kills a session as an operator would: `KILL <id>` (MySQL/MariaDB), `pg_terminate_backend` (PostgreSQL). */
const KILL_SESSION: Record<Exclude<DialectName, 'sqlite'>, (db: Kysely<Database>, id: number) => Promise<void>> = {
  mysql: async (db, id) => {
    await sql.raw(`kill connection ${Math.trunc(id)}`).execute(db);
  },
  postgres: async (db, id) => {
    await sql`select pg_terminate_backend(${id})`.execute(db);
  },
};

/**
 * Waits until the same single session is seen waiting twice in a row and returns its id; on SQLite
 * (where no one can tell) waits `sqliteGraceMs` and returns null.
 */
export async function waitForLockWaiter(
  dialect: DialectName,
  db: Kysely<Database>,
  { timeoutMs = 20_000, sqliteGraceMs = 500 } = {},
): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  let previous: number | undefined;
  for (;;) {
    const waiting = await WAITING_SESSIONS[dialect](db);
    if (waiting === null) {
      await new Promise((resolve) => setTimeout(resolve, sqliteGraceMs));
      return null;
    }
    const [only] = waiting;
    if (waiting.length === 1 && only !== undefined && only === previous) return only;
    previous = waiting.length === 1 ? only : undefined;
    if (Date.now() > deadline) throw new Error(`no single session waits on a lock (${waiting.length} do)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function killSession(dialect: Exclude<DialectName, 'sqlite'>, db: Kysely<Database>, id: number): Promise<void> {
  await KILL_SESSION[dialect](db, id);
}

/** Every session of this database except the caller's own (MySQL/PostgreSQL). */
export async function otherSessions(dialect: Exclude<DialectName, 'sqlite'>, db: Kysely<Database>): Promise<number[]> {
  const { rows } =
    dialect === 'mysql'
      ? await sql<{ id: number }>`select id from information_schema.processlist where db = database() and id <> connection_id()`.execute(db)
      : await sql<{ id: number }>`select pid as id from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(db);
  return rows.map((row) => Number(row.id));
}
