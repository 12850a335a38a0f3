import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDbDateTime } from '../src/db/datetime.js';
import { generateDemoCrm, type DemoCrmOptions } from '../src/demo/crm-generator.js';
import { seedDemoCrm, CrmNotEmptyError } from '../src/demo/seed-demo-crm.js';
import { SOURCE_TABLE_WRITE_ORDER, type SourceRows } from '../src/demo/source-columns.js';
import { createTestApplication, testDialects, type TestApplication } from './support/test-application.js';

const NOW = Date.parse('2026-06-15T00:00:00Z');

function allRows(options: DemoCrmOptions): SourceRows {
  const merged = Object.fromEntries(SOURCE_TABLE_WRITE_ORDER.map((table) => [table, [] as unknown[][]])) as unknown as SourceRows;
  for (const batch of generateDemoCrm(options)) {
    for (const table of SOURCE_TABLE_WRITE_ORDER) merged[table].push(...batch.rows[table]);
  }
  return merged;
}

describe('demo CRM generator', () => {
  it('is deterministic for a seed, whatever the batch size', () => {
    const first = allRows({ leads: 700, seed: 42, now: NOW, batchSize: 1000 });
    const second = allRows({ leads: 700, seed: 42, now: NOW, batchSize: 64 });
    expect(second).toEqual(first);
    expect(allRows({ leads: 700, seed: 43, now: NOW })).not.toEqual(first);
  });

  it('never writes an instant after "now"', () => {
    const rows = allRows({ leads: 2000, seed: 7, now: NOW });
    const datetimeColumns: Partial<Record<keyof SourceRows, number[]>> = {
      companies: [4, 5, 6],
      prospection_users: [8, 9, 10],
      follow_up_data: [9, 10],
      follow_up_comments: [4],
      prospect_follow_up_comments: [4],
      shipments: [2],
      payment_history: [3],
      company_monthly_tiers: [4],
    };
    for (const [table, columns] of Object.entries(datetimeColumns)) {
      for (const row of rows[table as keyof SourceRows]) {
        for (const column of columns) {
          const value = row[column] as string | null;
          if (value !== null) expect(parseDbDateTime(value)).toBeLessThanOrEqual(NOW);
        }
      }
    }
  });
});

describe.each(testDialects())('seeding a demo CRM on $dialect', (target) => {
  const LEADS = 3000;
  let app: TestApplication;

  beforeAll(async () => {
    app = await createTestApplication(target);
    await seedDemoCrm(app.database, { leads: LEADS, seed: 3, now: NOW });
  });
  afterAll(async () => app.dispose());

  const count = async (query: string): Promise<number> => {
    const result = await sql<{ n: number | string }>`${sql.raw(query)}`.execute(app.database.db);
    return Number(result.rows[0]?.n);
  };

  it('creates exactly the requested number of leads (SPEC §1)', async () => {
    const companies = await count(`
      select count(*) as n from companies c
      where c.deleted_at is null and exists (select 1 from follow_up_data f where f.company_id = c.id)`);
    const prospects = await count(`
      select count(*) as n from prospection_users p
      where p.deleted_at is null and p.is_disqualified = 0 and p.company_id is null
        and exists (select 1 from follow_up_data f where f.prospect_id = p.id)`);
    expect(companies + prospects).toBe(LEADS);
    expect(companies).toBeGreaterThan(LEADS * 0.45);
    expect(prospects).toBeGreaterThan(LEADS * 0.35);
  });

  it.each([
    ['unassigned companies', 'select count(*) as n from companies where salesman_id is null'],
    ['unassigned prospects', 'select count(*) as n from prospection_users where salesman_id is null'],
    [
      'companies without a tier',
      `select count(*) as n from companies c where exists (select 1 from follow_up_data f where f.company_id = c.id)
         and not exists (select 1 from company_monthly_tiers t where t.company_id = c.id)`,
    ],
    [
      'soft-deleted companies with follow-ups',
      `select count(*) as n from companies c where c.deleted_at is not null
         and exists (select 1 from follow_up_data f where f.company_id = c.id)`,
    ],
    ['disqualified prospects', 'select count(*) as n from prospection_users where is_disqualified = 1'],
    ['soft-deleted prospects', 'select count(*) as n from prospection_users where deleted_at is not null'],
    [
      'prospects re-linked to a company, with follow-ups',
      `select count(*) as n from prospection_users p where p.company_id is not null
         and exists (select 1 from follow_up_data f where f.prospect_id = p.id)`,
    ],
    [
      'companies and prospects without follow-ups',
      `select count(*) as n from companies c where not exists (select 1 from follow_up_data f where f.company_id = c.id)`,
    ],
    [
      'won-then-lost leads',
      `select count(*) as n from follow_up_data cur
         where cur.is_won = 1 and cur.is_lost = 1
           and cur.id = (select max(f.id) from follow_up_data f
                         where (f.company_id = cur.company_id) or (f.prospect_id = cur.prospect_id))
           and exists (select 1 from follow_up_data prev where prev.id < cur.id and prev.is_won = 1 and prev.is_lost = 0
                       and ((prev.company_id = cur.company_id) or (prev.prospect_id = cur.prospect_id)))`,
    ],
    [
      'companies that recharged but never shipped',
      `select count(*) as n from companies c where exists (select 1 from payment_history p where p.company_id = c.id)
         and not exists (select 1 from shipments s where s.company_id = c.id)`,
    ],
    ['follow-ups without a product', 'select count(*) as n from follow_up_data where product is null'],
    [
      'two tier rows for the same month',
      `select count(*) as n from company_monthly_tiers a join company_monthly_tiers b
         on a.company_id = b.company_id and a.month = b.month and a.id < b.id`,
    ],
    ['leads with several follow-up rows', `select count(*) as n from (select company_id from follow_up_data
         where company_id is not null group by company_id having count(*) > 1) multi`],
    ['comments without a salesman', 'select count(*) as n from follow_up_comments where salesman_id is null'],
  ])('includes %s', async (_case, query) => {
    expect(await count(query)).toBeGreaterThan(0);
  });

  it('keeps source rows consistent', async () => {
    expect(await count('select count(*) as n from follow_up_data where (company_id is null) = (prospect_id is null)')).toBe(0);
    expect(await count('select count(*) as n from follow_up_data where monthly_shipments < 0 or account_value < 0')).toBe(0);
    expect(await count('select count(*) as n from follow_up_data where is_won = 1 and won_at is null')).toBe(0);
    expect(await count('select count(*) as n from company_monthly_tiers where tier < 0 or tier > 5')).toBe(0);
    expect(await count('select count(*) as n from locales where rate <= 0')).toBe(0);
  });

  it('lets the CRM insert rows without ids afterwards', async () => {
    const before = await count('select max(id) as n from companies');
    await app.database.db.insertInto('companies').values({ name: 'New Co', locale_id: 1 } as never).execute();
    expect(await count('select max(id) as n from companies')).toBe(before + 1);
  });

  it('refuses to seed a CRM that already has data', async () => {
    await expect(seedDemoCrm(app.database, { leads: 10, seed: 1, now: NOW })).rejects.toThrow(CrmNotEmptyError);
  });
});
