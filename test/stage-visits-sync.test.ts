import { once } from 'node:events';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDbDateTime, parseDbDateTime } from '../src/db/datetime.js';
import { childLines } from './support/child-lines.js';
import { applyVisibleChange, crmArbitrary, visibleChange } from './support/crm-arbitraries.js';
import { demoCrmModel } from './support/demo-crm-model.js';
import { MirroredCrm, readLeads } from './support/mirrored-crm.js';
import { referenceLeads } from './support/reference-leads.js';
import { readStageVisits, referenceStageVisits } from './support/reference-stage-visits.js';
import { spawnTs } from './support/run-cli.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * SPEC §12's table as a property: on a random CRM, after any sequence of changes (new follow-ups,
 * new leads, deletions, disqualifications, re-links, …) interleaved with syncs,
 * `crm_analytics_stage_visits` equals a from-scratch derivation from the follow-ups of the leads
 * in `crm_analytics_leads`, and the run log counts what the run wrote. Then a sync killed
 * mid-run (SIGKILL) leaves leads and visits consistent after the next run.
 */

/** Several follow-ups per change, so leads move through stages, come back, and repeat one. */
const changes = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: visibleChange.filter((change) => change.kind === 'follow-up') },
    { weight: 2, arbitrary: visibleChange },
  ),
  { minLength: 1, maxLength: 6 },
);

describe.each(testDialects())('stage visits kept by the sync on $dialect', (target) => {
  let app: TestApplication;

  beforeAll(async () => {
    // Lookback 0 and small chunks: several chunks per run, each its own transaction.
    app = await createTestApplication(target, { env: { SYNC_LOOKBACK_SECONDS: '0', SYNC_ROLLING_SIZE: '3', SYNC_BATCH_SIZE: '4' } });
  });
  afterAll(async () => app.dispose());

  const db = () => app.database.db;

  /** One run; its log row counts what it wrote (every lead it upserted carries its started_at). */
  async function syncOk(): Promise<void> {
    const before = await readLeads(app.database);
    const result = await app.sync.run();
    if (result.skipped) throw new Error('skipped');
    const log = await db().selectFrom('crm_analytics_sync_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(log.status).toBe('ok');
    const written = await db()
      .selectFrom('crm_analytics_leads')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('synced_at', '=', app.database.dialect.statements.dateTimeValue(log.started_at))
      .executeTakeFirstOrThrow();
    expect(Number(log.upserted_count)).toBe(Number(written.n));
    const after = new Set((await readLeads(app.database)).map((lead) => `${lead.record_type}:${lead.record_id}`));
    const gone = before.filter((lead) => !after.has(`${lead.record_type}:${lead.record_id}`)).length;
    // Deleted rows: at least the leads that went away (a chunk may delete a row it had not yet written).
    expect(Number(log.deleted_count)).toBeGreaterThanOrEqual(gone);
  }

  async function expectVisitsOfLeads(crm: MirroredCrm): Promise<void> {
    const leads = await readLeads(app.database);
    expect(leads).toEqual(referenceLeads(crm.model));
    expect(await readStageVisits(app.database)).toEqual(referenceStageVisits(crm.model, leads));
  }

  it('keeps crm_analytics_stage_visits equal to a from-scratch derivation through random changes', async () => {
    await fc.assert(
      fc.asyncProperty(crmArbitrary, fc.array(changes, { minLength: 1, maxLength: 4 }), async (initial, steps) => {
        const crm = new MirroredCrm(app.database);
        await crm.reset();
        await crm.load(initial);
        await syncOk();
        await expectVisitsOfLeads(crm);
        for (const step of steps) {
          // Distinct instants per change: follow-ups of one step keep their id order in time.
          let at = Date.now();
          for (const change of step) await applyVisibleChange(crm, change, formatDbDateTime((at += 1)));
          await syncOk();
          await expectVisitsOfLeads(crm);
        }
      }),
      { numRuns: 25 },
    );
  }, 300_000);

  it('fills the table with a full build when leads exist without visits (an upgrade to migration 0003)', async () => {
    const crm = new MirroredCrm(app.database);
    await crm.reset();
    await crm.load(demoCrmModel({ leads: 120, seed: 4, now: Date.parse('2026-04-17T00:00:00Z'), batchSize: 120 }));
    await syncOk();
    await db().deleteFrom('crm_analytics_stage_visits').execute();
    const result = await app.sync.run();
    expect(result).toMatchObject({ skipped: false, fullBuild: true });
    await expectVisitsOfLeads(crm);
    // And the next run is incremental again.
    expect(await app.sync.run()).toMatchObject({ skipped: false, fullBuild: false });
  }, 120_000);

  it('a sync killed (SIGKILL) between chunks leaves leads and visits consistent after the next run', async () => {
    const crm = new MirroredCrm(app.database);
    await crm.reset();
    await crm.load(demoCrmModel({ leads: 200, seed: 15, now: Date.parse('2026-04-17T00:00:00Z'), batchSize: 200 }));
    await syncOk();
    // New follow-ups for 60 companies: several chunks of 4 for the killed run.
    const companies = referenceLeads(crm.model).filter((lead) => lead.record_type === 'company').slice(0, 60);
    const stages = crm.model.crm_stages.map((stage) => stage.id);
    let at = Date.now();
    for (const [index, lead] of companies.entries()) {
      await crm.insert('follow_up_data', [
        {
          id: crm.nextId('follow_up_data'),
          company_id: lead.record_id,
          prospect_id: null,
          stage_id: stages[index % stages.length] ?? 1,
          product: null,
          monthly_shipments: 1,
          account_value: 10,
          is_won: 0,
          is_lost: 0,
          won_at: null,
          created_at: formatDbDateTime((at += 1)),
        },
      ]);
    }
    const child = spawnTs('test/support/sync-in-child-process.ts', {
      env: { SYNC_LOOKBACK_SECONDS: '0', SYNC_ROLLING_SIZE: '3', SYNC_BATCH_SIZE: '4', DATABASE_URL: app.scratch.databaseUrl, HOLD_AFTER_CHUNK: '3' },
    });
    const lines = childLines(child);
    await lines.waitFor('holding');
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    // Half-done: committed chunks hold leads and visits together.
    if (target.dialect === 'sqlite') {
      // The dead holder's lease: moved to its expiry rather than waited for (sync-faults.test.ts checks the bound).
      const { rows } = await sql<{ now: string }>`select ${app.database.dialect.statements.clock()} as now`.execute(db());
      await db().updateTable('crm_analytics_locks').set({ expires_at: rows[0]!.now }).execute();
    }
    for (let attempt = 0; ; attempt += 1) {
      const result = await app.sync.run();
      if (!result.skipped) break;
      expect(attempt).toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await expectVisitsOfLeads(crm);
    // The killed run's chunks had moved 60 leads to a new stage: their visits are there.
    expect((await readStageVisits(app.database)).length).toBeGreaterThan((await readLeads(app.database)).length);
    const runs = await db().selectFrom('crm_analytics_sync_log').select(['status', 'watermark']).orderBy('id').execute();
    expect(runs.map((run) => run.status)).toEqual(['ok', 'failed', 'ok']);
    expect(parseDbDateTime(runs[2]!.watermark!)).toBeGreaterThan(parseDbDateTime(runs[0]!.watermark!));
  }, 120_000);
});
