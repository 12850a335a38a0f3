import { sql, type Kysely, type RawBuilder } from 'kysely';
import { formatDbDateTime } from '../../db/datetime.js';
import type { DialectStatements } from '../../db/dialect.js';
import { nullableNumberFromDriver, numberFromDriver } from '../../db/driver-numbers.js';
import type { Database } from '../../db/schema.js';
import type { LeadFilter } from '../../domain/analytics-plan.js';
import { MEDIAN, P90, type PipelineStage, type StageFigures, type StageTransitionCount } from '../../domain/stage-history.js';
import type { SyncLogReads } from '../analytics-engine.js';
import type { StageHistoryEngine } from '../stage-history-engine.js';
import { leadFilterCondition } from './lead-filter-sql.js';
import { readWithGeneration } from './read-with-generation.js';

type Db = Kysely<Database>;

/**
 * SPEC §12 in SQL over `crm_analytics_stage_visits` joined to the leads a filter selects, in SQL
 * that runs unchanged on SQLite, MySQL/MariaDB and PostgreSQL (window functions for the
 * percentiles), inside one read-only, repeatable-read transaction with the generation.
 *
 * Nearest-rank percentiles in SQL: with the values of a stage numbered 1…n in ascending order
 * (`row_number`), v⌈p·n/100⌉ is the smallest value whose number r has r·100 ≥ p·n — integer
 * arithmetic, the same on every dialect. Durations are whole milliseconds
 * (`dialect.millisecondsBetween`); the domain turns them into rounded days.
 */
export function createSqlStageHistoryEngine(
  db: Db,
  statements: DialectStatements,
  syncLog: Pick<SyncLogReads, 'latestGeneration'>,
): StageHistoryEngine {
  return {
    async stageHistory(filter, stages, now) {
      return readWithGeneration(db, syncLog, async (trx, generation) => {
        const queries = new StageHistoryQueries(trx, statements, filter, stages, now);
        const aggregates = { stages: await queries.figures(), transitions: await queries.transitions() };
        return { aggregates, generation };
      });
    },
  };
}

class StageHistoryQueries {
  constructor(
    private readonly db: Db,
    private readonly statements: DialectStatements,
    private readonly filter: LeadFilter,
    private readonly stages: readonly PipelineStage[],
    private readonly now: number,
  ) {}

  /** The matching leads: key and outcome flags. */
  #leads() {
    return this.db
      .selectFrom('crm_analytics_leads')
      .where((eb) => leadFilterCondition(eb, this.filter))
      .select(['record_type', 'record_id', 'is_won', 'is_lost']);
  }

  /** A stage id's `position`, as SQL: null for an id no `crm_stages` row has (never "greater"). */
  #position(stageId: RawBuilder<unknown>): RawBuilder<number | null> {
    if (this.stages.length === 0) return sql<number | null>`null`;
    // Literals, not parameters: PostgreSQL would type a `then $n` as text and compare positions as text.
    const whens = this.stages.map((stage) => sql`when ${sql.lit(Math.trunc(stage.stage_id))} then ${sql.lit(Math.trunc(stage.position))}`);
    return sql<number | null>`(case ${stageId} ${sql.join(whens, sql` `)} else null end)`;
  }

  async figures(): Promise<StageFigures[]> {
    const byStage = new Map<number, { entered: number; advanced: number; current: number; medianMs: number | null; p90Ms: number | null; currentMedianMs: number | null }>();
    const entry = (stageId: number) => {
      let found = byStage.get(stageId);
      if (found === undefined) {
        found = { entered: 0, advanced: 0, current: 0, medianMs: null, p90Ms: null, currentMedianMs: null };
        byStage.set(stageId, found);
      }
      return found;
    };
    for (const row of await this.#enteredAndAdvanced()) {
      const figures = entry(numberFromDriver(row.stage_id));
      figures.entered = numberFromDriver(row.entered);
      figures.advanced = numberFromDriver(row.advanced);
    }
    for (const row of await this.#completedPercentiles()) {
      const figures = entry(numberFromDriver(row.stage_id));
      figures.medianMs = nullableNumberFromDriver(row.median_ms);
      figures.p90Ms = nullableNumberFromDriver(row.p90_ms);
    }
    for (const row of await this.#currentAges()) {
      const figures = entry(numberFromDriver(row.stage_id));
      figures.current = numberFromDriver(row.n);
      figures.currentMedianMs = nullableNumberFromDriver(row.median_ms);
    }
    return [...byStage].map(([stageId, figures]) => ({ stageId, ...figures }));
  }

  /**
   * Per stage: the leads that visited it, and those of them that are won or, after their first
   * visit to it, visited a stage of greater position (a primary-key range seek per lead and stage).
   */
  async #enteredAndAdvanced() {
    const later = sql`exists (select 1 from crm_analytics_stage_visits w where w.record_type = fv.record_type and w.record_id = fv.record_id and w.seq > fv.first_seq and ${this.#position(sql.ref('w.stage_id'))} > ${this.#position(sql.ref('fv.stage_id'))})`;
    const { rows } = await sql<{ stage_id: unknown; entered: unknown; advanced: unknown }>`
      select fv.stage_id as stage_id, count(*) as entered,
        sum(case when fv.is_won = 1 or ${later} then 1 else 0 end) as advanced
      from (
        select v.record_type as record_type, v.record_id as record_id, v.stage_id as stage_id, m.is_won as is_won, min(v.seq) as first_seq
        from crm_analytics_stage_visits v
        inner join (${this.#leads()}) m on m.record_type = v.record_type and m.record_id = v.record_id
        group by v.record_type, v.record_id, v.stage_id, m.is_won
      ) fv
      group by fv.stage_id`.execute(this.db);
    return rows;
  }

  /** Per stage: median and p90 of each lead's total completed time in it (negative visits count 0). */
  async #completedPercentiles() {
    const duration = this.statements.millisecondsBetween(sql.ref('v.entered_at'), sql.ref('v.left_at'));
    const perLead = sql`
      select v.stage_id as stage_id, sum(case when ${duration} < 0 then 0 else ${duration} end) as total_ms
      from crm_analytics_stage_visits v
      inner join (${this.#leads()}) m on m.record_type = v.record_type and m.record_id = v.record_id
      where v.left_at is not null
      group by v.record_type, v.record_id, v.stage_id`;
    const { rows } = await sql<{ stage_id: unknown; median_ms: unknown; p90_ms: unknown }>`
      select r.stage_id as stage_id,
        min(case when r.rn * 100 >= ${sql.lit(MEDIAN)} * r.n then r.total_ms end) as median_ms,
        min(case when r.rn * 100 >= ${sql.lit(P90)} * r.n then r.total_ms end) as p90_ms
      from (
        select t.stage_id as stage_id, t.total_ms as total_ms,
          row_number() over (partition by t.stage_id order by t.total_ms) as rn,
          count(*) over (partition by t.stage_id) as n
        from (${perLead}) t
      ) r
      group by r.stage_id`.execute(this.db);
    return rows;
  }

  /** Per stage: the open leads whose current visit it is, and the median age of those visits (negative counts 0). */
  async #currentAges() {
    const age = this.statements.millisecondsBetween(sql.ref('v.entered_at'), this.statements.dateTimeValue(formatDbDateTime(this.now)));
    const { rows } = await sql<{ stage_id: unknown; n: unknown; median_ms: unknown }>`
      select r.stage_id as stage_id, max(r.n) as n,
        min(case when r.rn * 100 >= ${sql.lit(MEDIAN)} * r.n then r.age_ms end) as median_ms
      from (
        select a.stage_id as stage_id, a.age_ms as age_ms,
          row_number() over (partition by a.stage_id order by a.age_ms) as rn,
          count(*) over (partition by a.stage_id) as n
        from (
          select v.stage_id as stage_id, case when ${age} < 0 then 0 else ${age} end as age_ms
          from crm_analytics_stage_visits v
          inner join (${this.#leads()}) m on m.record_type = v.record_type and m.record_id = v.record_id
          where v.left_at is null and m.is_won = 0 and m.is_lost = 0
        ) a
      ) r
      group by r.stage_id`.execute(this.db);
    return rows;
  }

  /** Every move from a visit to the next one (seq k → k + 1) of the matching leads, counted per pair of stages. */
  async transitions(): Promise<StageTransitionCount[]> {
    const { rows } = await sql<{ from_id: unknown; to_id: unknown; n: unknown }>`
      select a.stage_id as from_id, b.stage_id as to_id, count(*) as n
      from crm_analytics_stage_visits a
      inner join crm_analytics_stage_visits b on b.record_type = a.record_type and b.record_id = a.record_id and b.seq = a.seq + 1
      inner join (${this.#leads()}) m on m.record_type = a.record_type and m.record_id = a.record_id
      group by a.stage_id, b.stage_id`.execute(this.db);
    return rows.map((row) => ({ fromStageId: numberFromDriver(row.from_id), toStageId: numberFromDriver(row.to_id), count: numberFromDriver(row.n) }));
  }
}
