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
import { lowerBound, type LeadStore } from './lead-store.js';
import { LOST, RECHARGE, RECORD_TYPE_OF_CODE, SHIPMENT, WON } from './store-columns.js';
import { textOfRow } from './utf8-column.js';

/** Leads per salesman are counted by (salesman code, won and lost flags): this many slots a salesman. */
const OUTCOME_FLAGS = WON | LOST;
const OUTCOME_SLOTS = OUTCOME_FLAGS + 1;

/**
 * A LeadFilter (src/domain/analytics-plan.ts) turned into what a scan of a LeadStore checks:
 * lookup tables indexed by dictionary code, one code to compare, or a row range.
 */
export interface CompiledFilter {
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

export function compileFilter(store: LeadStore, filter: LeadFilter): CompiledFilter {
  const d = store.dictionaries;
  const range = filter.createdAt;
  const from = range ? lowerBound(store.created_at, range.from) : 0;
  const to = range ? Math.max(from, lowerBound(store.created_at, range.to)) : store.size;
  const localeIds = filter.localeIds ? new Set(filter.localeIds) : null;
  const tiers = filter.tiers ? new Set(filter.tiers) : null;
  const virtualStage = filter.virtualStage === null ? null : d.virtualStage.find(filter.virtualStage);
  const product = filter.product === null ? null : d.product.find(filter.product);
  return {
    from,
    to,
    nothing: virtualStage === -1 || product === -1,
    locales: localeIds ? d.locale.lookupTable((locale) => localeIds.has(locale.locale_id)) : null,
    salesmen: filter.salesmanId === null ? null : d.salesman.lookupTable((salesman) => salesman.salesman_id === filter.salesmanId),
    // A lead without a tier never matches a tier filter (SQL `tier in (…)` is not true for null).
    tiers: tiers ? d.tier.lookupTable(({ tier }) => tier !== null && tiers.has(tier)) : null,
    virtualStage,
    product,
  };
}

/** One condition of a compiled filter on one code column: a lookup table, or else one code. */
export interface Condition {
  readonly column: Uint32Array;
  readonly table: Uint8Array | null;
  readonly code: number;
}

/** The filter's conditions, the narrowest first (one salesman, stage or product before tier or locale lists). */
export function conditionsOf(store: LeadStore, filter: CompiledFilter): Condition[] {
  const conditions: Condition[] = [];
  if (filter.salesmen !== null) conditions.push({ column: store.salesman, table: filter.salesmen, code: -1 });
  if (filter.virtualStage !== null) conditions.push({ column: store.virtualStage, table: null, code: filter.virtualStage });
  if (filter.product !== null) conditions.push({ column: store.product, table: null, code: filter.product });
  if (filter.tiers !== null) conditions.push({ column: store.tier, table: filter.tiers, code: -1 });
  if (filter.locales !== null) conditions.push({ column: store.locale, table: filter.locales, code: -1 });
  return conditions;
}

/**
 * The rows of [from, to) (through `order` when given) that pass every condition of the filter but
 * the date ranges (which the bounds apply), as a list of row numbers: the first condition selects
 * from the range, each next one narrows the list. Each loop is a plain, monomorphic one (a lookup
 * table or one code, with or without `order`): this is the hot path of a filtered request.
 */
export function matchingRows(store: LeadStore, filter: CompiledFilter, from: number, to: number, order?: Uint32Array): Uint32Array {
  if (filter.nothing) return new Uint32Array(0);
  const [first, ...others] = conditionsOf(store, filter);
  const rows = new Uint32Array(Math.max(0, to - from));
  let count = 0;
  if (first === undefined) {
    if (order) rows.set(order.subarray(from, to));
    else for (let index = from; index < to; index++) rows[index - from] = index;
    count = to - from;
  } else if (first.table !== null) {
    count = order ? selectOrderedByTable(rows, first.column, first.table, order, from, to) : selectByTable(rows, first.column, first.table, from, to);
  } else {
    count = order ? selectOrderedByCode(rows, first.column, first.code, order, from, to) : selectByCode(rows, first.column, first.code, from, to);
  }
  for (const { column, table, code } of others) count = table !== null ? narrowByTable(rows, count, column, table) : narrowByCode(rows, count, column, code);
  return rows.subarray(0, count);
}

function selectByTable(rows: Uint32Array, column: Uint32Array, table: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let row = from; row < to; row++) if (table[column[row] as number] === 1) rows[count++] = row;
  return count;
}

function selectByCode(rows: Uint32Array, column: Uint32Array, code: number, from: number, to: number): number {
  let count = 0;
  for (let row = from; row < to; row++) if (column[row] === code) rows[count++] = row;
  return count;
}

function selectOrderedByTable(rows: Uint32Array, column: Uint32Array, table: Uint8Array, order: Uint32Array, from: number, to: number): number {
  let count = 0;
  for (let index = from; index < to; index++) {
    const row = order[index] as number;
    if (table[column[row] as number] === 1) rows[count++] = row;
  }
  return count;
}

function selectOrderedByCode(rows: Uint32Array, column: Uint32Array, code: number, order: Uint32Array, from: number, to: number): number {
  let count = 0;
  for (let index = from; index < to; index++) {
    const row = order[index] as number;
    if (column[row] === code) rows[count++] = row;
  }
  return count;
}

function narrowByTable(rows: Uint32Array, count: number, column: Uint32Array, table: Uint8Array): number {
  let kept = 0;
  for (let index = 0; index < count; index++) {
    const row = rows[index] as number;
    if (table[column[row] as number] === 1) rows[kept++] = row;
  }
  return kept;
}

function narrowByCode(rows: Uint32Array, count: number, column: Uint32Array, code: number): number {
  let kept = 0;
  for (let index = 0; index < count; index++) {
    const row = rows[index] as number;
    if (column[row] === code) rows[kept++] = row;
  }
  return kept;
}

export function hasConditions(filter: CompiledFilter): boolean {
  return filter.nothing || filter.locales !== null || filter.salesmen !== null || filter.tiers !== null || filter.virtualStage !== null || filter.product !== null;
}

/**
 * The rows a filter selects (its created_at range and every other condition; not the won_at and
 * openOnly conditions, which the callers of this handle themselves): a list of rows, or null when
 * every row of [from, to) passes. For the other questions asked of a store (stage history).
 */
export function rowsSelectedBy(store: LeadStore, filter: LeadFilter): { readonly rows: Uint32Array | null; readonly from: number; readonly to: number } {
  const compiled = compileFilter(store, filter);
  if (!hasConditions(compiled)) return { rows: null, from: compiled.from, to: compiled.to };
  const rows = matchingRows(store, compiled, compiled.from, compiled.to);
  return { rows, from: 0, to: rows.length };
}

/** Σ leads, shipments and cents per stage group, interleaved: [3 × group] leads, [+1] shipments, [+2] cents. */
function newStageTotals(store: LeadStore): Float64Array {
  return new Float64Array(store.dictionaries.stageGroup.size * 3);
}

/**
 * The groups (and the active leads below) are object literals written out field by field: built
 * with a spread (`{ ...flags, stage_name, … }`) they came out in a shape that V8 reads slowly, and
 * requests took 3–7 times as long.
 */
function stageGroupsOf(store: LeadStore, totals: Float64Array): StageGroup[] {
  const d = store.dictionaries;
  const groups: StageGroup[] = [];
  for (let code = 0; code * 3 < totals.length; code++) {
    const leads = totals[code * 3] as number;
    if (leads === 0) continue;
    const entry = d.stageGroup.valueOf(code);
    groups.push({
      is_lost: entry.flags & LOST ? 1 : 0,
      is_won: entry.flags & WON ? 1 : 0,
      has_recharge: entry.flags & RECHARGE ? 1 : 0,
      has_shipment: entry.flags & SHIPMENT ? 1 : 0,
      stage_name: d.stage.valueOf(entry.stage).stage_name,
      rate: d.locale.valueOf(entry.locale).locale_rate,
      leads,
      shipments: totals[code * 3 + 1] as number,
      cents: totals[code * 3 + 2] as number,
    });
  }
  return groups;
}

/** Adds rows [from, to), or the listed rows, to the stage totals. */
function addStageTotals(store: LeadStore, totals: Float64Array, from: number, to: number, rows: Uint32Array | null): void {
  const stageGroup = store.stageGroup;
  const shipments = store.monthly_shipments;
  const cents = store.account_value_cents;
  const end = rows ? rows.length : to;
  for (let index = rows ? 0 : from; index < end; index++) {
    const row = rows ? (rows[index] as number) : index;
    const slot = (stageGroup[row] as number) * 3;
    totals[slot] = (totals[slot] as number) + 1;
    totals[slot + 1] = (totals[slot + 1] as number) + (shipments[row] as number);
    totals[slot + 2] = (totals[slot + 2] as number) + (cents[row] as number);
  }
}

/** Stage groups of the rows of one period (plan.previous). */
function periodStageGroups(store: LeadStore, filter: LeadFilter): StageGroup[] {
  const compiled = compileFilter(store, filter);
  const totals = newStageTotals(store);
  const rows = hasConditions(compiled) ? matchingRows(store, compiled, compiled.from, compiled.to) : null;
  addStageTotals(store, totals, compiled.from, compiled.to, rows);
  return stageGroupsOf(store, totals);
}

/**
 * The aggregates of a plan, read from a LeadStore. plan.current and plan.open differ only by
 * openOnly, so the rows of the current slice that match are found once, then each measure is one
 * tight pass over them; the first ACTIVE_LEADS_LIMIT open ones are the active leads, since rows
 * are stored in active_leads order (no sort needed). plan.previous is a pass over its own slice,
 * plan.closing a pass over the won_at-ordered slice, plan.executives a lookup.
 */
export function aggregateLeadStore(store: LeadStore, plan: AnalyticsPlan): AnalyticsAggregates {
  const d = store.dictionaries;
  const current = compileFilter(store, plan.current);
  const rows = hasConditions(current) ? matchingRows(store, current, current.from, current.to) : null;
  const from = rows ? 0 : current.from;
  const to = rows ? rows.length : current.to;

  const totals = newStageTotals(store);
  const salesmanLeads = new Float64Array(d.salesman.size * OUTCOME_SLOTS);
  const productLeads = new Float64Array(d.productGroup.size);
  const productCents = new Float64Array(d.productGroup.size);
  const tierLeads = new Float64Array(d.tier.size);
  const activeRows: number[] = [];
  const { salesman, flags, productGroup, account_value_cents: accountCents, tier, stageGroup, monthly_shipments: monthlyShipments } = store;
  const closed = plan.open.openOnly ? WON | LOST : 0;
  for (let index = from; index < to; index++) {
    const row = rows ? (rows[index] as number) : index;
    const cents = accountCents[row] as number;
    const stageSlot = (stageGroup[row] as number) * 3;
    totals[stageSlot] = (totals[stageSlot] as number) + 1;
    totals[stageSlot + 1] = (totals[stageSlot + 1] as number) + (monthlyShipments[row] as number);
    totals[stageSlot + 2] = (totals[stageSlot + 2] as number) + cents;
    const rowFlags = flags[row] as number;
    const slot = (salesman[row] as number) * OUTCOME_SLOTS + (rowFlags & OUTCOME_FLAGS);
    salesmanLeads[slot] = (salesmanLeads[slot] as number) + 1;
    const group = productGroup[row] as number;
    // Product group 0 is "no product".
    if (group !== 0) {
      productLeads[group] = (productLeads[group] as number) + 1;
      productCents[group] = (productCents[group] as number) + cents;
    }
    if ((rowFlags & closed) !== 0) continue;
    const tierCode = tier[row] as number;
    tierLeads[tierCode] = (tierLeads[tierCode] as number) + 1;
    if (activeRows.length < ACTIVE_LEADS_LIMIT) activeRows.push(row);
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
    const { salesman_id, salesman_name } = store.dictionaries.salesman.valueOf(Math.floor(slot / OUTCOME_SLOTS));
    const flags = slot % OUTCOME_SLOTS;
    groups.push({
      salesman_id,
      salesman_name,
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
    if (leads > 0) groups.push({ tier: store.dictionaries.tier.valueOf(code).tier, leads });
  });
  return groups;
}

function productGroupsOf(store: LeadStore, leadsByGroup: Float64Array, centsByGroup: Float64Array): ProductGroup[] {
  const d = store.dictionaries;
  const groups: ProductGroup[] = [];
  leadsByGroup.forEach((leads, code) => {
    if (leads === 0) return;
    const entry = d.productGroup.valueOf(code);
    const { product } = d.product.valueOf(entry.product);
    if (product === null) return;
    groups.push({ product, rate: d.locale.valueOf(entry.locale).locale_rate, leads, cents: centsByGroup[code] ?? 0 });
  });
  return groups;
}

/** Σ and count of closing_days over plan.closing: a won_at range is a slice of store.wonOrder. */
function closingDaysOf(store: LeadStore, filter: LeadFilter): { sum: number; count: number } {
  // plan.closing never has a created_at range: its date range is on won_at.
  const compiled = compileFilter(store, { ...filter, createdAt: null });
  let sum = 0;
  let count = 0;
  const order = store.wonOrder;
  const from = filter.wonAt ? lowerBound(store.won_at, filter.wonAt.from, order) : 0;
  const to = filter.wonAt ? Math.max(from, lowerBound(store.won_at, filter.wonAt.to, order)) : order.length;
  const rows = matchingRows(store, compiled, from, to, order);
  const closingDays = store.closing_days;
  for (let index = 0; index < rows.length; index++) {
    const days = closingDays[rows[index] as number] as number;
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
    if (localeIds !== null && !localeIds.has(d.locale.valueOf(localeCode).locale_id)) return;
    for (const code of salesmen) codes.add(code);
  });
  return [...codes].flatMap((code) => {
    const { salesman_id: id, salesman_name: name } = d.salesman.valueOf(code);
    return id === null ? [] : [{ id, name }];
  });
}

function activeLeadOf(store: LeadStore, row: number): ActiveLeadRow {
  const d = store.dictionaries;
  const flags = store.flags[row] ?? 0;
  const stage = d.stage.valueOf(store.stage[row] ?? 0);
  return {
    record_type: RECORD_TYPE_OF_CODE[store.record_type[row] ?? 0] ?? 'company',
    record_id: store.record_id[row] ?? 0,
    name: textOfRow(store.name, row),
    salesman_name: d.salesman.valueOf(store.salesman[row] ?? 0).salesman_name,
    tier: d.tier.valueOf(store.tier[row] ?? 0).tier,
    stage_name: stage.stage_name,
    stage_color: stage.stage_color,
    is_lost: flags & LOST ? 1 : 0,
    is_won: flags & WON ? 1 : 0,
    has_recharge: flags & RECHARGE ? 1 : 0,
    has_shipment: flags & SHIPMENT ? 1 : 0,
    created_at: store.created_at[row] ?? 0,
  };
}
