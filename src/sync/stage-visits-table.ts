import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { RecordType } from '../domain/lead.js';
import type { IdScope } from './lead-source-queries.js';
import { stageVisitsQuery } from './stage-visit-queries.js';

type Db = Kysely<Database>;

/**
 * The sync's writes of `crm_analytics_stage_visits` (SPEC §12), which it owns beside
 * `crm_analytics_leads`: always in the transaction that writes the same leads, so a lead and its
 * visits are never seen out of step. A lead's visits are rewritten whole (delete, then
 * `insert … select` from its follow-ups): rows never leave the database.
 */

const STAGE_VISIT_COLUMNS = ['record_type', 'record_id', 'seq', 'stage_id', 'entered_at', 'left_at'] as const;

/** Deletes the visits of the records of `scope` (a list of ids, or an id range). */
export async function deleteStageVisits(db: Db, type: RecordType, scope: IdScope): Promise<void> {
  if ('ids' in scope && scope.ids.length === 0) return;
  await db
    .deleteFrom('crm_analytics_stage_visits')
    .where('record_type', '=', type)
    .$if('ids' in scope, (query) => query.where('record_id', 'in', 'ids' in scope ? [...scope.ids] : []))
    .$if(!('ids' in scope), (query) =>
      'fromId' in scope ? query.where('record_id', '>=', scope.fromId).where('record_id', '<', scope.toId) : query,
    )
    .execute();
}

/**
 * Rewrites the visits of the records of `scope`: deleted, then derived again from their
 * follow-ups, for those that are in `crm_analytics_leads` (a record that does not qualify keeps none).
 */
export async function rewriteStageVisits(db: Db, type: RecordType, scope: IdScope): Promise<void> {
  if ('ids' in scope && scope.ids.length === 0) return;
  await deleteStageVisits(db, type, scope);
  await db.insertInto('crm_analytics_stage_visits').columns(STAGE_VISIT_COLUMNS).expression(stageVisitsQuery(db, type, scope)).execute();
}

/**
 * Leads without a single visit: the table was added (migration 0003) after the leads were built,
 * since every lead has at least one follow-up and so at least one visit. The next run is then a
 * full build, which fills it ("a full build fills it", SPEC §12), instead of waiting for the
 * rolling refresh to reach every lead.
 */
export async function stageVisitsNeverBuilt(db: Db): Promise<boolean> {
  const lead = await db.selectFrom('crm_analytics_leads').select('record_id').limit(1).executeTakeFirst();
  if (lead === undefined) return false;
  const visit = await db.selectFrom('crm_analytics_stage_visits').select('record_id').limit(1).executeTakeFirst();
  return visit === undefined;
}
