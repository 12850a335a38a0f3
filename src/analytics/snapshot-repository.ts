import type { Kysely } from 'kysely';
import { formatDbDateTime } from '../db/datetime.js';
import type { SqlDialect } from '../db/dialect.js';
import type { CrmAnalyticsSnapshotsTable, Database } from '../db/schema.js';
import type { CalendarDate } from '../domain/calendar.js';
import type { SnapshotPresetKey } from '../domain/presets.js';

export interface StoredSnapshot {
  readonly cacheKey: string;
  readonly preset: SnapshotPresetKey | null;
  readonly startDate: CalendarDate | null;
  readonly endDate: CalendarDate | null;
  /** Normalised `1,3`; empty when the request had none. */
  readonly localeIds: string;
  /** The JSON response, `meta` included, as live computation gave it. */
  readonly payload: string;
  readonly generation: number;
  /** epoch ms */
  readonly builtAt: number;
}

export interface SnapshotRepository {
  find(cacheKey: string): Promise<{ readonly generation: number; readonly payload: string } | null>;
  /** Inserts the snapshot, or replaces the one of the same key. */
  save(snapshot: StoredSnapshot): Promise<void>;
  /** Deletes snapshots of generations before `generation` (never served again); returns how many. */
  deleteBefore(generation: number): Promise<number>;
}

const UPDATED_COLUMNS = ['preset', 'start_date', 'end_date', 'locale_ids', 'payload', 'generation', 'built_at'] as const satisfies readonly (keyof CrmAnalyticsSnapshotsTable)[];

/** `crm_analytics_snapshots` (SPEC §2), through Kysely. */
export function createSnapshotRepository(db: Kysely<Database>, dialect: SqlDialect): SnapshotRepository {
  return {
    async find(cacheKey) {
      const row = await db
        .selectFrom('crm_analytics_snapshots')
        .select(['generation', 'payload'])
        .where('cache_key', '=', cacheKey)
        .executeTakeFirst();
      return row === undefined ? null : { generation: Number(row.generation), payload: row.payload };
    },

    async save(snapshot) {
      const insert = db.insertInto('crm_analytics_snapshots').values({
        cache_key: snapshot.cacheKey,
        preset: snapshot.preset,
        start_date: snapshot.startDate,
        end_date: snapshot.endDate,
        locale_ids: snapshot.localeIds,
        payload: snapshot.payload,
        generation: snapshot.generation,
        built_at: formatDbDateTime(snapshot.builtAt),
      });
      await insert.modifyEnd(dialect.statements.upsertClause(['cache_key'], UPDATED_COLUMNS)).execute();
    },

    async deleteBefore(generation) {
      const result = await db.deleteFrom('crm_analytics_snapshots').where('generation', '<', generation).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
