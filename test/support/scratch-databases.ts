import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DatabaseLocation } from '../../src/db/database-url.js';
import type { DialectName } from '../../src/db/dialect.js';

/** A database of its own for one test file, removed afterwards. */
export interface ScratchDatabase {
  readonly location: DatabaseLocation;
  /** The same database as a DATABASE_URL, for child processes. */
  readonly databaseUrl: string;
  drop(): Promise<void>;
}

function scratchName(): string {
  return `crm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

type ScratchFactory = (adminUrl: string) => Promise<ScratchDatabase>;

/**
 * A closed application has let go of its files: the WAL checkpointer's connection too, which
 * database.close() waits for (it used to close a moment later, and this removal then failed now
 * and then with ENOTEMPTY). A few retries cover the file system, not a leak.
 */
function removeScratchDirectory(directory: string): void {
  rmSync(directory, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

/** Each dialect's way to make and drop a throw-away database. */
const SCRATCH_FACTORIES: Record<DialectName, ScratchFactory> = {
  sqlite: () => {
    const directory = mkdtempSync(join(tmpdir(), 'crm-analytics-test-'));
    const file = join(directory, 'crm.sqlite');
    return Promise.resolve({
      location: { dialect: 'sqlite', url: file },
      databaseUrl: file,
      drop: () => Promise.resolve(removeScratchDirectory(directory)),
    });
  },

  mysql: async (adminUrl) => {
    const name = scratchName();
    const admin = await mysql.createConnection(adminUrl);
    try {
      await admin.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(adminUrl, name);
    return {
      location: { dialect: 'mysql', url },
      databaseUrl: url,
      drop: async () => {
        const connection = await mysql.createConnection(adminUrl);
        try {
          await connection.query(`drop database if exists \`${name}\``);
        } finally {
          await connection.end();
        }
      },
    };
  },

  postgres: async (adminUrl) => {
    const name = scratchName();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(adminUrl, name);
    return {
      location: { dialect: 'postgres', url },
      databaseUrl: url,
      drop: async () => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(`drop database if exists "${name}" with (force)`);
        } finally {
          await client.end();
        }
      },
    };
  },
};

export function createScratchDatabase(dialect: DialectName, adminUrl: string): Promise<ScratchDatabase> {
  return SCRATCH_FACTORIES[dialect](adminUrl);
}

/** Rejects when the dialect's server cannot be reached. */
export async function probeServer(dialect: DialectName, adminUrl: string): Promise<void> {
  const scratch = await createScratchDatabase(dialect, adminUrl);
  await scratch.drop();
}
