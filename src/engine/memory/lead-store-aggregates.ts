import type {
  ActiveLeadRow,
  AnalyticsAggregates,
  ExecutiveRow,
  ProductGroup,
  SalesmanGroup,
  StageGroup,
  TierGroup,
} from '../../domain/analytics-aggregates.js';
import { ACTIVE_LEADS_LIMIT } from '../../domain/analytics-payload.js';
import type { AnalyticsPlan, LeadFilter } from '../../domain/analytics-plan.js';
import {
  LOST,
  RECHARGE,
  RECORD_TYPE_OF_CODE,
  SHIPMENT,
  WON,
  lowerBound,
  nameOfRow,
  type LeadStore,
} from './lead-store.js';

/**
 * A LeadFilter (src/domain/analytics-plan.ts) turned into what a scan of a LeadStore checks:
 * lookup tables indexed by dictionary code, one code to compare, or a row range.
 */
interface CompiledFilter {
  /** Rows [from, to) of the store: the created_at range, or every row. */
  readonly from: number;
  readonly to: number;
  readonly nothing: boolean;
  readonly locales: Uint8Array | null;
  readonly salesmen: Uint8Array | null;
  readonly tiers: Uint8Array | null;
  /** A virtual stage code; -1 when no row has that stage. */
  readonly virtualStage: number | null;
  /** A product code; -1 when no row has that product. */
  readonly product: number | null;
}

function compileFilter(store: LeadStore, filter: LeadFilter): CompiledFilter {
  const d = store.dictionaries;
  const range = filter.createdAt;
  const from = range ? lowerBound(store.createdAt, range.from) : 0;
  const to = range ? Math.max(from, lowerBound(store.createdAt, range.to)) : store.size;
  const localeIds = filter.localeIds ? new Set(filter.localeIds) : null;
  const tiers = filter.tiers ? new Set(filter.tiers) : null;
  const virtualStage = filter.virtualStage === null ? null : d.virtualStages.find(filter.virtualStage);
  const product = filter.product === null ? null : d.products.find(filter.product);
  return {
    from,
    to,
    nothing: virtualStage === -1 || product === -1,
    locales: localeIds ? d.locales.lookupTable((locale) => localeIds.has(locale.id)) : null,
    salesmen: filter.salesmanId === null ? null : d.salesmen.lookupTable((salesman) => salesman.id === filter.salesmanId),
    // A lead without a tier never matches a tier filter (SQL `tier in (…)` is not true for null).
    tiers: tiers ? d.tiers.lookupTable((tier) => tier !== null && tiers.has(tier)) : null,
    virtualStage,
    product,
  };
}

/** Every condition of the filter but the date ranges (which the scan's bounds apply) and openOnly. */
function matches(store: LeadStore, filter: CompiledFilter, row: number): boolean {
  if (filter.locales !== null && filter.locales[store.locale[row] ?? 0] !== 1) return false;
  if (filter.salesmen !== null && filter.salesmen[store.salesman[row] ?? 0] !== 1) return false;
  if (filter.tiers !== null && filter.tiers[store.tier[row] ?? 0] !== 1) return false;
  if (filter.virtualStage !== null && store.virtualStage[row] !== filter.virtualStage) return false;
  if (filter.product !== null && store.product[row] !== filter.product) return false;
  return true;
}

interface StageTotals {
  readonly leads: Float64Array;
  readonly shipments: Float64Array;
  readonly cents: Float64Array;
}

function newStageTotals(store: LeadStore): StageTotals {
  const n = store.dictionaries.stageGroups.size;
  return { leads: new Float64Array(n), shipments: new Float64Array(n), cents: new Float64Array(n) };
}

function stageGroupsOf(store: LeadStore, totals: StageTotals): StageGroup[] {
  const d = store.dictionaries;
  const groups: StageGroup[] = [];
  totals.leads.forEach((leads, code) => {
    if (leads === 0) return;
    const entry = d.stageGroups.valueOf(code);
    groups.push({
      is_lost: entry.flags & LOST ? 1 : 0,
      is_won: entry.flags & WON ? 1 : 0,
      has_recharge: entry.flags & RECHARGE ? 1 : 0,
      has_shipment: entry.flags & SHIPMENT ? 1 : 0,
      stage_name: d.stages.valueOf(entry.stage).name,
      rate: d.locales.valueOf(entry.locale).rate,
      leads,
      shipments: totals.shipments[code] ?? 0,
      cents: totals.cents[code] ?? 0,
    });
  });
  return groups;
}

/** Stage groups of the rows of one period (plan.previous): one pass over its slice. */
function periodStageGroups(store: LeadStore, filter: LeadFilter): StageGroup[] {
  const compiled = compileFilter(store, filter);
  const totals = newStageTotals(store);
  if (!compiled.nothing) {
    for (let row = compiled.from; row < compiled.to; row++) {
      if (!matches(store, compiled, row)) continue;
      const group = store.stageGroup[row] ?? 0;
      totals.leads[group] = (totals.leads[group] ?? 0) + 1;
      totals.shipments[group] = (totals.shipments[group] ?? 0) + (store.monthlyShipments[row] ?? 0);
      totals.cents[group] = (totals.cents[group] ?? 0) + (store.accountCents[row] ?? 0);
    }
  }
  return stageGroupsOf(store, totals);
}

/**
 * The aggregates of a plan, read from a LeadStore. plan.current and plan.open differ only by
 * openOnly, so one pass over the current slice fills the stage, salesman, product and tier groups
 * and collects the first open leads: rows are in active_leads order, so the first
 * ACTIVE_LEADS_LIMIT matches are the answer, no sort needed. plan.previous is a pass over its own
 * slice, plan.closing a pass over the won_at-ordered slice, plan.executives a lookup.
 */
export function aggregateLeadStore(store: LeadStore, plan: AnalyticsPlan): AnalyticsAggregates {
  const d = store.dictionaries;
  const current = compileFilter(store, plan.current);
  const openOnly = plan.open.openOnly;

  const totals = newStageTotals(store);
  const salesmanLeads = new Float64Array(d.salesmen.size * 4);
  const productLeads = new Float64Array(d.productGroups.size);
  const productCents = new Float64Array(d.productGroups.size);
  const tierLeads = new Float64Array(d.tiers.size);
  const activeRows: number[] = [];

  if (!current.nothing) {
    for (let row = current.from; row < current.to; row++) {
      if (!matches(store, current, row)) continue;
      const group = store.stageGroup[row] ?? 0;
      const flags = store.flags[row] ?? 0;
      const cents = store.accountCents[row] ?? 0;
      totals.leads[group] = (totals.leads[group] ?? 0) + 1;
      totals.shipments[group] = (totals.shipments[group] ?? 0) + (store.monthlyShipments[row] ?? 0);
      totals.cents[group] = (totals.cents[group] ?? 0) + cents;
      const salesmanSlot = (store.salesman[row] ?? 0) * 4 + (flags & (WON | LOST));
      salesmanLeads[salesmanSlot] = (salesmanLeads[salesmanSlot] ?? 0) + 1;
      if (store.product[row] !== 0) {
        const productGroup = store.productGroup[row] ?? 0;
        productLeads[productGroup] = (productLeads[productGroup] ?? 0) + 1;
        productCents[productGroup] = (productCents[productGroup] ?? 0) + cents;
      }
      if (openOnly && (flags & (WON | LOST)) !== 0) continue;
      const tier = store.tier[row] ?? 0;
      tierLeads[tier] = (tierLeads[tier] ?? 0) + 1;
      if (activeRows.length < ACTIVE_LEADS_LIMIT) activeRows.push(row);
    }
  }

  return {
    current: stageGroupsOf(store, totals),
    previous: plan.previous === null ? null : periodStageGroups(store, plan.previous),
    salesmen: salesmanGroupsOf(store, salesmanLeads),
    tiers: tierGroupsOf(store, tierLeads),
    products: productGroupsOf(store, productLeads, productCents),
    closingDays: closingDaysOf(store, plan.closing),
    executives: executivesOf(store, plan.executives),
    activeLeads: activeRows.map((row) => activeLeadOf(store, row)),
  };
}

function salesmanGroupsOf(store: LeadStore, leadsBySlot: Float64Array): SalesmanGroup[] {
  const groups: SalesmanGroup[] = [];
  leadsBySlot.forEach((leads, slot) => {
    if (leads === 0) return;
    const salesman = store.dictionaries.salesmen.valueOf(Math.floor(slot / 4));
    const flags = slot % 4;
    groups.push({
      salesman_id: salesman.id,
      salesman_name: salesman.name,
      is_lost: flags & LOST ? 1 : 0,
      is_won: flags & WON ? 1 : 0,
      leads,
    });
  });
  return groups;
}

function tierGroupsOf(store: LeadStore, leadsByTier: Float64Array): TierGroup[] {
  const groups: TierGroup[] = [];
  leadsByTier.forEach((leads, code) => {
    if (leads > 0) groups.push({ tier: store.dictionaries.tiers.valueOf(code), leads });
  });
  return groups;
}

function productGroupsOf(store: LeadStore, leadsByGroup: Float64Array, centsByGroup: Float64Array): ProductGroup[] {
  const d = store.dictionaries;
  const groups: ProductGroup[] = [];
  leadsByGroup.forEach((leads, code) => {
    if (leads === 0) return;
    const entry = d.productGroups.valueOf(code);
    const product = d.products.valueOf(entry.product);
    if (product === null) return;
    groups.push({ product, rate: d.locales.valueOf(entry.locale).rate, leads, cents: centsByGroup[code] ?? 0 });
  });
  return groups;
}

/** Σ and count of closing_days over plan.closing: a won_at range is a slice of store.wonOrder. */
function closingDaysOf(store: LeadStore, filter: LeadFilter): { sum: number; count: number } {
  // plan.closing never has a created_at range: its date range is on won_at.
  const compiled = compileFilter(store, { ...filter, createdAt: null });
  let sum = 0;
  let count = 0;
  if (compiled.nothing) return { sum, count };
  const order = store.wonOrder;
  const from = filter.wonAt ? lowerBound(store.wonAt, filter.wonAt.from, order) : 0;
  const to = filter.wonAt ? Math.max(from, lowerBound(store.wonAt, filter.wonAt.to, order)) : order.length;
  for (let index = from; index < to; index++) {
    const row = order[index] ?? 0;
    if (!matches(store, compiled, row)) continue;
    const days = store.closingDays[row] ?? Number.NaN;
    if (Number.isNaN(days)) continue;
    sum += days;
    count += 1;
  }
  return { sum, count };
}

/** plan.executives only ever filters by locale: the salesmen present per locale were noted at build. */
function executivesOf(store: LeadStore, filter: LeadFilter): ExecutiveRow[] {
  const d = store.dictionaries;
  const localeIds = filter.localeIds ? new Set(filter.localeIds) : null;
  const codes = new Set<number>();
  store.salesmenByLocale.forEach((salesmen, localeCode) => {
    if (localeIds !== null && !localeIds.has(d.locales.valueOf(localeCode).id)) return;
    for (const code of salesmen) codes.add(code);
  });
  return [...codes].flatMap((code) => {
    const salesman = d.salesmen.valueOf(code);
    return salesman.id === null ? [] : [{ id: salesman.id, name: salesman.name }];
  });
}

function activeLeadOf(store: LeadStore, row: number): ActiveLeadRow {
  const d = store.dictionaries;
  const flags = store.flags[row] ?? 0;
  const stage = d.stages.valueOf(store.stage[row] ?? 0);
  return {
    record_type: RECORD_TYPE_OF_CODE[store.recordType[row] ?? 0] ?? 'company',
    record_id: store.recordId[row] ?? 0,
    name: nameOfRow(store, row),
    salesman_name: d.salesmen.valueOf(store.salesman[row] ?? 0).name,
    tier: d.tiers.valueOf(store.tier[row] ?? 0),
    stage_name: stage.name,
    stage_color: stage.color,
    is_lost: flags & LOST ? 1 : 0,
    is_won: flags & WON ? 1 : 0,
    has_recharge: flags & RECHARGE ? 1 : 0,
    has_shipment: flags & SHIPMENT ? 1 : 0,
    created_at: store.createdAt[row] ?? 0,
  };
}
