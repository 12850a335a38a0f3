import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { RecordType } from '../domain/lead.js';
import type { IdScope } from './lead-source-queries.js';

type Db = Kysely<Database>;

/** The follow_up_data column that links a follow-up to a record of each type (SPEC §1: exactly one is set). */
const OWNER_COLUMN = { company: 'f.company_id', prospect: 'f.prospect_id' } as const satisfies Record<RecordType, string>;

/**
 * The visits of SPEC §12 of the leads of `scope` that are in `crm_analytics_leads`, as rows of
 * `crm_analytics_stage_visits`, in one set-based query ("gaps and islands" with window functions,
 * which SQLite ≥ 3.25, MariaDB ≥ 10.2, MySQL 8 and PostgreSQL all have):
 * 1. each follow-up of a lead, with the stage of the lead's follow-up before it (`lag` in id order);
 * 2. the follow-ups that start a visit: the first, and each whose stage differs from the one before;
 * 3. numbered (`row_number`) in id order, `left_at` being the next start's `created_at` (`lead`).
 * The follow-ups read are the ones the denormalized query reads (every row of the record, by
 * `company_id` or `prospect_id`), through the same (owner, id) index.
 */
export function stageVisitsQuery(db: Db, type: RecordType, scope: IdScope) {
  const ownerColumn = OWNER_COLUMN[type];
  const owner = sql.ref(ownerColumn);
  const followUps = db
    .selectFrom('follow_up_data as f')
    .innerJoin('crm_analytics_leads as l', (join) => join.on('l.record_type', '=', type).onRef('l.record_id', '=', ownerColumn))
    .where((eb) =>
      'ids' in scope
        ? eb(ownerColumn, 'in', scope.ids.length > 0 ? [...scope.ids] : [-1])
        : eb.and([eb(ownerColumn, '>=', scope.fromId), eb(ownerColumn, '<', scope.toId)]),
    )
    .select([
      sql<number>`${owner}`.as('record_id'),
      'f.id as follow_up_id',
      'f.stage_id',
      'f.created_at',
      sql<number | null>`lag(f.stage_id) over (partition by ${owner} order by f.id)`.as('previous_stage_id'),
    ]);
  const starts = db
    .selectFrom(followUps.as('s'))
    .select(['s.record_id', 's.follow_up_id', 's.stage_id', 's.created_at'])
    .where((eb) => eb.or([eb('s.previous_stage_id', 'is', null), eb('s.previous_stage_id', '<>', eb.ref('s.stage_id'))]));
  return db
    .selectFrom(starts.as('v'))
    .select([
      sql.lit(type).as('record_type'),
      'v.record_id',
      sql<number>`row_number() over (partition by v.record_id order by v.follow_up_id)`.as('seq'),
      'v.stage_id',
      'v.created_at as entered_at',
      sql<string | null>`lead(v.created_at) over (partition by v.record_id order by v.follow_up_id)`.as('left_at'),
    ]);
}
