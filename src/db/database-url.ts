import type { DialectName } from './dialect.js';

export interface DatabaseLocation {
  readonly dialect: DialectName;
  /** What the dialect's driver takes: a file path for SQLite, the URL otherwise. */
  readonly url: string;
}

export const DEFAULT_SQLITE_PATH = './data/crm-analytics.sqlite';

/**
 * Reads `DATABASE_URL`: a SQLite file path or `sqlite:` URL, `mysql://` / `mariadb://`, or
 * `postgres://` / `postgresql://`. Throws a one-line reason for anything else.
 */
export function parseDatabaseUrl(value: string): DatabaseLocation {
  const trimmed = value.trim();
  if (trimmed === '') throw new Error('DATABASE_URL is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();

  if (scheme === 'mysql' || scheme === 'mariadb') {
    return { dialect: 'mysql', url: trimmed.replace(/^mariadb:/i, 'mysql:') };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    return { dialect: 'postgres', url: trimmed };
  }
  if (scheme === 'sqlite') {
    const path = trimmed.slice('sqlite:'.length).replace(/^\/\/(?=\/|\.)/, '');
    if (path === '' || path === '//') throw new Error('DATABASE_URL sqlite: needs a file path');
    return { dialect: 'sqlite', url: path };
  }
  // A Windows drive letter looks like a one-letter scheme; anything longer is a URL we don't know.
  if (scheme !== undefined && scheme.length > 1) {
    throw new Error(
      `DATABASE_URL scheme "${scheme}:" is not supported (use a SQLite path, sqlite:, mysql://, mariadb://, postgres://)`,
    );
  }
  return { dialect: 'sqlite', url: trimmed };
}

/** The URL with its password replaced, for logs and messages. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
