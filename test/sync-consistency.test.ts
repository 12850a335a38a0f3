import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDbDateTime } from '../src/db/datetime.js';
import {
  applyInvisibleChange,
  applyVisibleChange,
  crmArbitrary,
  invisibleChange,
  visibleChange,
  type InvisibleChange,
  type VisibleChange,
} from './support/crm-arbitraries.js';
import { MirroredCrm, readLeads } from './support/mirrored-crm.js';
import { referenceLeads } from './support/reference-leads.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

/**
 * SPEC §7's guarantee as a property: on a random CRM, after any sequence of changes interleaved
 * with syncs, `crm_analytics_leads` equals a from-scratch build by the reference implementation —
 * after one run for changes a timestamp shows, within ⌈leads / SYNC_ROLLING_SIZE⌉ runs for the others.
 */
const ROLLING_SIZE = 3;

type Step = { kind: 'visible'; changes: VisibleChange[] } | { kind: 'invisible'; change: InvisibleChange };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('visible' as const), changes: fc.array(visibleChange, { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('invisible' as const), change: invisibleChange }) },
);

describe.each(testDialects())('sync consistency on $dialect', (target) => {
  let app: TestApplication;

  beforeAll(async () => {
    // Lookback 0: each run sees exactly the changes since the previous one started, so only the
    // rolling refresh can bring in what no timestamp shows. Small chunks: several per run.
    app = await createTestApplication(target, {
      env: { SYNC_LOOKBACK_SECONDS: '0', SYNC_ROLLING_SIZE: String(ROLLING_SIZE), SYNC_BATCH_SIZE: '4' },
    });
  });
  afterAll(async () => app.dispose());

  const syncOk = async () => {
    const result = await app.sync.run();
    expect(result.skipped).toBe(false);
  };

  it('keeps crm_analytics_leads equal to a from-scratch build through random changes', async () => {
    await fc.assert(
      fc.asyncProperty(crmArbitrary, fc.array(step, { minLength: 1, maxLength: 5 }), async (initial, steps) => {
        const crm = new MirroredCrm(app.database);
        await crm.reset();
        await crm.load(initial);
        await syncOk();
        expect(await readLeads(app.database)).toEqual(referenceLeads(crm.model));

        for (const current of steps) {
          if (current.kind === 'visible') {
            const now = formatDbDateTime(Date.now());
            for (const change of current.changes) await applyVisibleChange(crm, change, now);
            await syncOk();
          } else {
            const leads = (await readLeads(app.database)).length;
            await applyInvisibleChange(crm, current.change);
            const runs = Math.max(1, Math.ceil(leads / ROLLING_SIZE));
            for (let run = 0; run < runs; run += 1) await syncOk();
          }
          expect(await readLeads(app.database)).toEqual(referenceLeads(crm.model));
        }
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});
