import type { Kysely } from 'kysely';
import type { DialectSchema } from '../dialect.js';

/**
 * A migration that may ask the dialect's schema role for column types and defaults. Names sort in
 * the order they run; a released migration is never edited, a new one is added instead.
 */
export interface VersionedMigration {
  readonly name: string;
  up(db: Kysely<unknown>, dialect: DialectSchema): Promise<void>;
}
