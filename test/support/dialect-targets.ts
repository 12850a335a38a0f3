import { DIALECT_NAMES, type DialectName } from '../../src/db/dialect.js';

/** Where each dialect's test server is, and whether someone asked for it explicitly. */
export interface DialectTarget {
  readonly dialect: DialectName;
  /** Server URL used to create scratch databases; empty for SQLite. */
  readonly adminUrl: string;
  /** Named in DIALECTS or given a TEST_*_URL: with CI=true it must be reachable. */
  readonly required: boolean;
}

const DEFAULT_URLS: Record<Exclude<DialectName, 'sqlite'>, string> = {
  mysql: 'mysql://root@127.0.0.1:3306/test',
  postgres: 'postgres://postgres@127.0.0.1:5432/test',
};

/**
 * `DIALECTS=sqlite,mysql,postgres` chooses the dialects (default: all three, the servers ones
 * skipped when unreachable); `TEST_MYSQL_URL` / `TEST_POSTGRES_URL` point at other servers.
 */
export function dialectTargets(env: NodeJS.ProcessEnv = process.env): DialectTarget[] {
  const listed = env.DIALECTS?.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of listed ?? []) {
    if (!DIALECT_NAMES.includes(name as DialectName)) {
      throw new Error(`DIALECTS: unknown dialect "${name}" (use ${DIALECT_NAMES.join(', ')})`);
    }
  }
  const wanted = (listed ?? DIALECT_NAMES) as DialectName[];
  return wanted.map((dialect) => {
    if (dialect === 'sqlite') return { dialect, adminUrl: '', required: true };
    const envUrl = dialect === 'mysql' ? env.TEST_MYSQL_URL : env.TEST_POSTGRES_URL;
    return {
      dialect,
      adminUrl: envUrl ?? DEFAULT_URLS[dialect],
      required: listed !== undefined || envUrl !== undefined,
    };
  });
}
