import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * A migration that may ask the dialect for its column types. Names sort in the order they run;
 * a released migration is never edited, a new one is added instead.
 */
export interface VersionedMigration {
  readonly name: string;
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}
