import { describe, expect, it } from 'vitest';
import { parseDbDateTime } from '../src/db/datetime.js';
import { generateDemoCrm } from '../src/demo/crm-generator.js';

/**
 * The demo CRM's follow-up histories tell a story (docs/stage-history.md): follow-ups whose
 * `created_at` rises with `id`, mostly moving forward through the stage positions over days and
 * weeks, with some regressions and some stalls, and one stage (negociacion) slower than the others.
 */
describe('demo follow-up histories', () => {
  const followUps: unknown[][] = [];
  let stages: unknown[][] = [];
  for (const batch of generateDemoCrm({ leads: 4000, seed: 5, now: Date.parse('2026-06-15T00:00:00Z') })) {
    followUps.push(...batch.rows.follow_up_data);
    if (batch.rows.crm_stages.length > 0) stages = batch.rows.crm_stages;
  }
  // follow_up_data rows: [id, company_id, prospect_id, stage_id, …, created_at (last)].
  const byLead = new Map<string, unknown[][]>();
  for (const row of followUps) {
    const key = row[1] !== null ? `c${row[1] as number}` : `p${row[2] as number}`;
    byLead.set(key, [...(byLead.get(key) ?? []), row]);
  }
  const position = new Map(stages.map((stage) => [stage[0] as number, stage[3] as number]));
  const name = new Map(stages.map((stage) => [stage[0] as number, stage[1] as string]));
  const at = (row: unknown[]) => parseDbDateTime(row.at(-1) as string);

  it('has ~2.5 follow-ups a lead, created_at rising with id within each lead', () => {
    expect(followUps.length / byLead.size).toBeGreaterThan(2.2);
    for (const rows of byLead.values()) {
      for (let k = 1; k < rows.length; k++) {
        expect((rows[k]![0] as number) > (rows[k - 1]![0] as number)).toBe(true);
        expect(at(rows[k]!)).toBeGreaterThanOrEqual(at(rows[k - 1]!));
      }
    }
  });

  it('moves mostly forward, with some regressions and stalls, and negociacion the slowest stage', () => {
    let forward = 0;
    let back = 0;
    let stay = 0;
    const stays = new Map<string, number[]>();
    for (const rows of byLead.values()) {
      for (let k = 1; k < rows.length; k++) {
        const from = position.get(rows[k - 1]![3] as number) ?? 0;
        const to = position.get(rows[k]![3] as number) ?? 0;
        if (to > from) forward += 1;
        else if (to < from) back += 1;
        else stay += 1;
        const stage = name.get(rows[k - 1]![3] as number) ?? '';
        stays.set(stage, [...(stays.get(stage) ?? []), at(rows[k]!) - at(rows[k - 1]!)]);
      }
    }
    const moves = forward + back + stay;
    expect(forward / moves).toBeGreaterThan(0.5);
    expect(back / moves).toBeGreaterThan(0.03);
    expect(stay / moves).toBeGreaterThan(0.15);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length / 2) - 1] ?? 0;
    const medians = [...stays].filter(([, values]) => values.length > 50).map(([stage, values]) => [stage, median(values)] as const);
    const slowest = medians.reduce((best, entry) => (entry[1] > best[1] ? entry : best));
    expect(slowest[0]).toBe('negociacion');
    // Days and weeks, not minutes.
    expect(Math.min(...medians.map(([, value]) => value))).toBeGreaterThan(86_400_000);
  });
});
