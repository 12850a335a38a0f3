import fc from 'fast-check';
import { formatDbDateTime } from '../../src/db/datetime.js';
import type { MirroredCrm } from './mirrored-crm.js';
import { emptyCrm, type CrmModel, type SourceRow } from './reference-leads.js';

/**
 * Random CRMs (SPEC §1) and random changes to them, for the sync's property tests. Histories are
 * old (2024–2025), so the sync's lookback window never sees them; changes are stamped "now".
 */

const HISTORY_START = Date.parse('2024-01-01T00:00:00Z');
const HISTORY_SECONDS = 600 * 24 * 3600;
const STAGE_COLORS = ['primary', 'secondary', 'info', 'warning', 'success', 'danger', 'dark'] as const;
const MONTHS = ['2024-01-01', '2024-02-01', '2024-03-01', '2025-01-01'] as const;

/** An old instant, whole seconds half of the time (as CRMs mix both). */
const oldInstant = fc
  .tuple(fc.integer({ min: 0, max: HISTORY_SECONDS }), fc.option(fc.integer({ min: 1, max: 999 })))
  .map(([seconds, millis]) => formatDbDateTime(HISTORY_START + seconds * 1000 + (millis ?? 0)));

/** A rate with up to 6 decimals, as decimal(18,6) keeps it. */
const rate = fc.integer({ min: 1, max: 5_000_000_000 }).map((micro) => micro / 1_000_000);
const money = fc.integer({ min: 0, max: 100_000_000 }).map((cents) => cents / 100);
const name = fc.constantFrom('Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell');
const product = fc.option(fc.constantFrom('packageContent.electronics', 'packageContent.clothing', 'packageContent.food'));

interface FollowUpSpec {
  stage: number;
  product: string | null;
  monthlyShipments: number;
  accountValue: number;
  won: boolean;
  lost: boolean;
  wonAt: string | null;
  createdAt: string;
}

const followUpSpec: fc.Arbitrary<FollowUpSpec> = fc.record({
  stage: fc.nat(),
  product,
  monthlyShipments: fc.integer({ min: 0, max: 500 }),
  accountValue: money,
  won: fc.boolean(),
  lost: fc.boolean(),
  wonAt: fc.option(oldInstant),
  createdAt: oldInstant,
});

const recordSpec = fc.record({
  name,
  locale: fc.nat(),
  salesman: fc.option(fc.nat()),
  createdAt: oldInstant,
  updatedAt: fc.option(oldInstant),
  deleted: fc.boolean(),
  followUps: fc.array(followUpSpec, { maxLength: 3 }),
  comments: fc.array(oldInstant, { maxLength: 2 }),
  shipments: fc.integer({ min: 0, max: 2 }),
  payments: fc.integer({ min: 0, max: 2 }),
  tiers: fc.array(fc.record({ month: fc.constantFrom(...MONTHS), tier: fc.integer({ min: 0, max: 5 }) }), { maxLength: 3 }),
  disqualified: fc.boolean(),
  linkedCompany: fc.option(fc.nat(), { freq: 4 }),
});

type RecordSpec = typeof recordSpec extends fc.Arbitrary<infer T> ? T : never;

export const crmArbitrary: fc.Arbitrary<CrmModel> = fc
  .record({
    rates: fc.array(rate, { minLength: 1, maxLength: 3 }),
    salesmen: fc.array(name, { maxLength: 3 }),
    stages: fc.array(fc.constantFrom(...STAGE_COLORS), { minLength: 1, maxLength: 4 }),
    companies: fc.array(recordSpec, { maxLength: 8 }),
    prospects: fc.array(recordSpec, { maxLength: 8 }),
  })
  .map((spec) => {
    const crm = emptyCrm();
    spec.rates.forEach((value, index) => crm.locales.push({ id: index + 1, code: `L${index}`, name: `Locale ${index}`, currency: 'XXX', rate: value }));
    spec.salesmen.forEach((value, index) =>
      crm.salesmen.push({ id: index + 1, name: `${value} ${index}`, email: null, active: 1, created_at: '2023-01-01 00:00:00' }),
    );
    spec.stages.forEach((color, index) => crm.crm_stages.push({ id: index + 1, name: `stage_${index}`, color, position: index }));
    const ids = new IdSequence();
    spec.companies.forEach((record) => addRecord(crm, ids, 'company', record, record.deleted));
    spec.prospects.forEach((record) => addRecord(crm, ids, 'prospect', record, record.deleted));
    return crm;
  });

class IdSequence {
  #next = new Map<string, number>();
  take(table: string): number {
    const id = (this.#next.get(table) ?? 0) + 1;
    this.#next.set(table, id);
    return id;
  }
}

const pick = <T>(items: readonly T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);

function followUpRow(crm: CrmModel, id: number, owner: { company_id: number | null; prospect_id: number | null }, spec: FollowUpSpec): SourceRow<'follow_up_data'> {
  return {
    id,
    ...owner,
    stage_id: pick(crm.crm_stages, spec.stage)?.id ?? 1,
    product: spec.product,
    monthly_shipments: spec.monthlyShipments,
    account_value: spec.accountValue,
    is_won: spec.won ? 1 : 0,
    is_lost: spec.lost ? 1 : 0,
    won_at: spec.wonAt,
    created_at: spec.createdAt,
  };
}

function addRecord(crm: CrmModel, ids: IdSequence, type: 'company' | 'prospect', spec: RecordSpec, deleted: boolean): void {
  const localeId = pick(crm.locales, spec.locale)?.id ?? 1;
  const salesmanId = spec.salesman === null ? null : (pick(crm.salesmen, spec.salesman)?.id ?? null);
  const deletedAt = deleted ? spec.createdAt : null;
  if (type === 'company') {
    const id = ids.take('companies');
    crm.companies.push({ id, name: spec.name, locale_id: localeId, salesman_id: salesmanId, created_at: spec.createdAt, updated_at: spec.updatedAt, deleted_at: deletedAt });
    for (const followUp of spec.followUps) crm.follow_up_data.push(followUpRow(crm, ids.take('follow_up_data'), { company_id: id, prospect_id: null }, followUp));
    for (const at of spec.comments) crm.follow_up_comments.push({ id: ids.take('follow_up_comments'), company_id: id, salesman_id: salesmanId, comment: 'note', created_at: at });
    for (let n = 0; n < spec.shipments; n += 1) crm.shipments.push({ id: ids.take('shipments'), company_id: id, created_at: spec.createdAt });
    for (let n = 0; n < spec.payments; n += 1) crm.payment_history.push({ id: ids.take('payment_history'), company_id: id, amount: 10, created_at: spec.createdAt });
    for (const tier of spec.tiers) crm.company_monthly_tiers.push({ id: ids.take('company_monthly_tiers'), company_id: id, month: tier.month, tier: tier.tier, created_at: spec.createdAt });
    return;
  }
  const id = ids.take('prospection_users');
  const linked = spec.linkedCompany === null ? null : (pick(crm.companies, spec.linkedCompany)?.id ?? null);
  crm.prospection_users.push({
    id,
    company_name: spec.name,
    contact_name: null,
    email: null,
    locale_id: localeId,
    salesman_id: salesmanId,
    company_id: linked,
    is_disqualified: spec.disqualified ? 1 : 0,
    created_at: spec.createdAt,
    updated_at: spec.updatedAt,
    deleted_at: deletedAt,
  });
  for (const followUp of spec.followUps) crm.follow_up_data.push(followUpRow(crm, ids.take('follow_up_data'), { company_id: null, prospect_id: id }, followUp));
  for (const at of spec.comments) crm.prospect_follow_up_comments.push({ id: ids.take('prospect_follow_up_comments'), prospect_id: id, salesman_id: salesmanId, comment: 'note', created_at: at });
}

// ---- changes ----------------------------------------------------------------------------------

/** A change the sync can see through a timestamp (or, for a hard delete, through step 6). */
export type VisibleChange =
  | { kind: 'new-lead'; type: 'company' | 'prospect'; spec: FollowUpSpec; name: string; locale: number }
  | { kind: 'follow-up'; type: 'company' | 'prospect'; target: number; spec: FollowUpSpec }
  | { kind: 'comment'; type: 'company' | 'prospect'; target: number }
  | { kind: 'shipment' | 'payment'; target: number }
  | { kind: 'tier'; target: number; month: string; tier: number }
  | { kind: 'soft-delete' | 'restore'; type: 'company' | 'prospect'; target: number }
  | { kind: 'disqualify' | 'requalify' | 'unlink'; target: number }
  | { kind: 'relink'; target: number; company: number }
  | { kind: 'update'; type: 'company' | 'prospect'; target: number; name: string; locale: number; salesman: number | null }
  | { kind: 'hard-delete'; type: 'company' | 'prospect'; target: number };

/** A change no timestamp shows: only the rolling refresh brings it in. */
export type InvisibleChange =
  | { kind: 'rename-salesman'; target: number; name: string }
  | { kind: 'locale-rate'; target: number; rate: number }
  | { kind: 'recolor-stage'; target: number; color: string }
  | { kind: 'quiet-reassign'; target: number; salesman: number | null };

const recordType = fc.constantFrom('company' as const, 'prospect' as const);
/** A follow-up written now: its timestamps are the change's. */
const newFollowUp = followUpSpec;

export const visibleChange: fc.Arbitrary<VisibleChange> = fc.oneof(
  fc.record({ kind: fc.constant('new-lead' as const), type: recordType, spec: newFollowUp, name, locale: fc.nat() }),
  fc.record({ kind: fc.constant('follow-up' as const), type: recordType, target: fc.nat(), spec: newFollowUp }),
  fc.record({ kind: fc.constant('comment' as const), type: recordType, target: fc.nat() }),
  fc.record({ kind: fc.constantFrom('shipment' as const, 'payment' as const), target: fc.nat() }),
  fc.record({ kind: fc.constant('tier' as const), target: fc.nat(), month: fc.constantFrom(...MONTHS), tier: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constantFrom('soft-delete' as const, 'restore' as const), type: recordType, target: fc.nat() }),
  fc.record({ kind: fc.constantFrom('disqualify' as const, 'requalify' as const, 'unlink' as const), target: fc.nat() }),
  fc.record({ kind: fc.constant('relink' as const), target: fc.nat(), company: fc.nat() }),
  fc.record({ kind: fc.constant('update' as const), type: recordType, target: fc.nat(), name, locale: fc.nat(), salesman: fc.option(fc.nat()) }),
  fc.record({ kind: fc.constant('hard-delete' as const), type: recordType, target: fc.nat() }),
);

export const invisibleChange: fc.Arbitrary<InvisibleChange> = fc.oneof(
  fc.record({ kind: fc.constant('rename-salesman' as const), target: fc.nat(), name }),
  fc.record({ kind: fc.constant('locale-rate' as const), target: fc.nat(), rate }),
  fc.record({ kind: fc.constant('recolor-stage' as const), target: fc.nat(), color: fc.constantFrom(...STAGE_COLORS) }),
  fc.record({ kind: fc.constant('quiet-reassign' as const), target: fc.nat(), salesman: fc.option(fc.nat()) }),
);

/** Applies a change to the database and the model alike, stamped `now`. Changes aimed at nothing are no-ops. */
export async function applyVisibleChange(crm: MirroredCrm, change: VisibleChange, now: string): Promise<void> {
  const { model } = crm;
  const records = (type: 'company' | 'prospect'): readonly { id: number }[] =>
    type === 'company' ? model.companies : model.prospection_users;
  const table = (type: 'company' | 'prospect') => (type === 'company' ? 'companies' : 'prospection_users');
  switch (change.kind) {
    case 'new-lead': {
      const locale = pick(model.locales, change.locale)?.id ?? 1;
      const owner = { company_id: null as number | null, prospect_id: null as number | null };
      if (change.type === 'company') {
        const id = crm.nextId('companies');
        await crm.insert('companies', [{ id, name: change.name, locale_id: locale, salesman_id: null, created_at: now, updated_at: null, deleted_at: null }]);
        owner.company_id = id;
      } else {
        const id = crm.nextId('prospection_users');
        await crm.insert('prospection_users', [
          { id, company_name: change.name, contact_name: null, email: null, locale_id: locale, salesman_id: null, company_id: null, is_disqualified: 0, created_at: now, updated_at: null, deleted_at: null },
        ]);
        owner.prospect_id = id;
      }
      await crm.insert('follow_up_data', [followUpRow(model, crm.nextId('follow_up_data'), owner, { ...change.spec, createdAt: now })]);
      return;
    }
    case 'follow-up': {
      const record = pick(records(change.type), change.target);
      if (!record) return;
      const owner = change.type === 'company' ? { company_id: record.id, prospect_id: null } : { company_id: null, prospect_id: record.id };
      await crm.insert('follow_up_data', [followUpRow(model, crm.nextId('follow_up_data'), owner, { ...change.spec, createdAt: now })]);
      return;
    }
    case 'comment': {
      const record = pick(records(change.type), change.target);
      if (!record) return;
      if (change.type === 'company') {
        await crm.insert('follow_up_comments', [{ id: crm.nextId('follow_up_comments'), company_id: record.id, salesman_id: null, comment: 'called', created_at: now }]);
      } else {
        await crm.insert('prospect_follow_up_comments', [
          { id: crm.nextId('prospect_follow_up_comments'), prospect_id: record.id, salesman_id: null, comment: 'called', created_at: now },
        ]);
      }
      return;
    }
    case 'shipment':
    case 'payment': {
      const company = pick(model.companies, change.target);
      if (!company) return;
      if (change.kind === 'shipment') await crm.insert('shipments', [{ id: crm.nextId('shipments'), company_id: company.id, created_at: now }]);
      else await crm.insert('payment_history', [{ id: crm.nextId('payment_history'), company_id: company.id, amount: 25, created_at: now }]);
      return;
    }
    case 'tier': {
      const company = pick(model.companies, change.target);
      if (!company) return;
      await crm.insert('company_monthly_tiers', [
        { id: crm.nextId('company_monthly_tiers'), company_id: company.id, month: change.month, tier: change.tier, created_at: now },
      ]);
      return;
    }
    case 'soft-delete':
    case 'restore': {
      const record = pick(records(change.type), change.target);
      if (!record) return;
      const patch = change.kind === 'soft-delete' ? { deleted_at: now } : { deleted_at: null, updated_at: now };
      await crm.update(table(change.type), record.id, patch);
      return;
    }
    case 'disqualify':
    case 'requalify':
    case 'unlink': {
      const prospect = pick(model.prospection_users, change.target);
      if (!prospect) return;
      const patch =
        change.kind === 'unlink' ? { company_id: null, updated_at: now } : { is_disqualified: change.kind === 'disqualify' ? 1 : 0, updated_at: now };
      await crm.update('prospection_users', prospect.id, patch);
      return;
    }
    case 'relink': {
      const prospect = pick(model.prospection_users, change.target);
      const company = pick(model.companies, change.company);
      if (!prospect || !company) return;
      await crm.update('prospection_users', prospect.id, { company_id: company.id, updated_at: now });
      return;
    }
    case 'update': {
      const record = pick(records(change.type), change.target);
      if (!record) return;
      const locale_id = pick(model.locales, change.locale)?.id ?? 1;
      const salesman_id = change.salesman === null ? null : (pick(model.salesmen, change.salesman)?.id ?? null);
      if (change.type === 'company') await crm.update('companies', record.id, { name: change.name, locale_id, salesman_id, updated_at: now });
      else await crm.update('prospection_users', record.id, { company_name: change.name, locale_id, salesman_id, updated_at: now });
      return;
    }
    case 'hard-delete': {
      const record = pick(records(change.type), change.target);
      if (!record) return;
      await crm.remove(table(change.type), record.id);
      return;
    }
  }
}

export async function applyInvisibleChange(crm: MirroredCrm, change: InvisibleChange): Promise<void> {
  const { model } = crm;
  switch (change.kind) {
    case 'rename-salesman': {
      const salesman = pick(model.salesmen, change.target);
      if (salesman) await crm.update('salesmen', salesman.id, { name: `${change.name} (renamed)` });
      return;
    }
    case 'locale-rate': {
      const locale = pick(model.locales, change.target);
      if (locale) await crm.update('locales', locale.id, { rate: change.rate });
      return;
    }
    case 'recolor-stage': {
      const stage = pick(model.crm_stages, change.target);
      if (stage) await crm.update('crm_stages', stage.id, { color: change.color });
      return;
    }
    case 'quiet-reassign': {
      const company = pick(model.companies, change.target);
      if (!company) return;
      const salesman_id = change.salesman === null ? null : (pick(model.salesmen, change.salesman)?.id ?? null);
      await crm.update('companies', company.id, { salesman_id });
      return;
    }
  }
}
