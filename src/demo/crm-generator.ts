// Over 400 lines on purpose: one class, because the order of its draws from one SeededRandom is
// what makes a seed give the same CRM; the catalog, the stage path and the row layout live apart.
import { formatDbDateTime } from '../db/datetime.js';
import {
  COMMENTS,
  COMPANY_CORES,
  COMPANY_PREFIXES,
  COMPANY_SUFFIXES,
  DEMO_LOCALES,
  DEMO_PRODUCTS,
  DEMO_STAGES,
  FIRST_NAMES,
  LAST_NAMES,
} from './crm-catalog.js';
import { SeededRandom } from './seeded-random.js';
import { nextFollowUpAt, nextStageIndex, STALLED_STAGE_INDEX, WON_STAGE_INDEX } from './stage-path.js';
import { emptySourceRows, type SourceRows } from './source-columns.js';

export interface DemoCrmOptions {
  /** How many records qualify as leads (SPEC §1); records that don't qualify come on top. */
  readonly leads: number;
  readonly seed: number;
  /** Every generated instant is at or before this one (epoch ms). */
  readonly now: number;
  /** Leads per yielded batch; does not change the data. */
  readonly batchSize?: number;
  readonly salesmen?: number;
}

export interface DemoCrmBatch {
  readonly rows: SourceRows;
  /** Qualifying leads in this batch (0 for the reference-data batch). */
  readonly leads: number;
}

const DAY_MS = 86_400_000;
const HISTORY_DAYS = 3 * 365;
/** Activity (comments, shipments, payments) clusters in the months after a lead moves. */
const ACTIVITY_WINDOW_MS = 150 * DAY_MS;

/** Probabilities of the awkward cases the analytics must get right. */
const AWKWARD = {
  unassigned: 0.05,
  companyWithoutTier: 0.18,
  productMissing: 0.07,
  wonThenLost: 0.015,
  relinkedProspect: 0.06,
  inRechargeOnly: 0.1,
  sameMonthTierTie: 0.03,
  // Records that never qualify, added beside the leads:
  deletedCompany: 0.012,
  companyWithoutFollowUp: 0.008,
  disqualifiedProspect: 0.015,
  deletedProspect: 0.008,
  prospectWithoutFollowUp: 0.006,
} as const;

const TIER_WEIGHTS = [15, 30, 25, 15, 10, 5];
const FOLLOW_UP_COUNT_WEIGHTS = [25, 30, 22, 13, 10];
interface Outcome {
  readonly won: boolean;
  readonly lost: boolean;
  readonly wonThenLost: boolean;
}

interface NewRecord {
  readonly id: number;
  readonly localeRate: number;
}

interface FollowUpSummary {
  readonly wonAt: number | null;
}

/**
 * Generates a believable CRM, deterministically for a seed and `now`: reference data first, then
 * batches of leads with their append-only follow-up history, comments, shipments, payments and
 * monthly tiers, plus records that must not become leads (soft-deleted, disqualified, re-linked,
 * without follow-up). Rows are arrays in SOURCE_COLUMNS order, ready for a bulk insert.
 */
export function* generateDemoCrm(options: DemoCrmOptions): Generator<DemoCrmBatch> {
  const generator = new DemoCrmGenerator(options);
  yield { rows: generator.referenceRows(), leads: 0 };
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  for (let done = 0; done < options.leads; ) {
    const count = Math.min(batchSize, options.leads - done);
    yield { rows: generator.leadRows(count), leads: count };
    done += count;
  }
}

class DemoCrmGenerator {
  private readonly random: SeededRandom;
  private readonly now: number;
  private readonly historyStart: number;
  private readonly salesmanCount: number;
  private salesmanWeights: number[] = [];
  private readonly localeWeights = DEMO_LOCALES.map((locale) => locale.weight);
  private readonly productWeights = DEMO_PRODUCTS.map((product) => product.weight);
  private readonly ids = {
    company: 0,
    prospect: 0,
    followUp: 0,
    companyComment: 0,
    prospectComment: 0,
    shipment: 0,
    payment: 0,
    tier: 0,
  };
  private rows: SourceRows = emptySourceRows();
  /** Leads generated so far: creation instants follow this order, as ids do in a real CRM. */
  private leadIndex = 0;
  private lastLeadCreatedAt: number;

  constructor(private readonly options: DemoCrmOptions) {
    this.random = new SeededRandom(options.seed);
    this.now = options.now;
    this.historyStart = options.now - HISTORY_DAYS * DAY_MS;
    this.salesmanCount = options.salesmen ?? 30;
    this.lastLeadCreatedAt = this.historyStart;
  }

  referenceRows(): SourceRows {
    const rows = emptySourceRows();
    DEMO_LOCALES.forEach((locale, index) => {
      rows.locales.push([index + 1, locale.code, locale.name, locale.currency, locale.rate]);
    });
    DEMO_STAGES.forEach((stage, index) => {
      rows.crm_stages.push([index + 1, stage.name, stage.color, index + 1]);
    });
    for (let id = 1; id <= this.salesmanCount; id += 1) {
      const first = this.random.pick(FIRST_NAMES);
      const last = this.random.pick(LAST_NAMES);
      const name = `${first} ${last}`;
      const email = this.random.chance(0.9) ? `${slug(first)}.${slug(last)}${id}@example.com` : null;
      const active = this.random.chance(0.9) ? 1 : 0;
      const createdAt = this.historyStart - this.random.int(30, 400) * DAY_MS;
      rows.salesmen.push([id, name, email, active, formatDbDateTime(createdAt)]);
      // Some executives carry far more leads than others.
      this.salesmanWeights.push(this.random.logNormal(1, 0.6));
    }
    return rows;
  }

  leadRows(count: number): SourceRows {
    this.rows = emptySourceRows();
    for (let index = 0; index < count; index += 1) {
      if (this.random.chance(0.55)) this.addCompanyLead();
      else this.addProspectLead();
      this.addNonQualifyingRecords();
    }
    return this.rows;
  }

  // ---- records -------------------------------------------------------------------------------

  private addCompanyLead(): void {
    const createdAt = this.leadCreatedAt();
    const company = this.addCompany(createdAt, { deleted: false });
    if (this.random.chance(AWKWARD.relinkedProspect)) {
      // The company began as a prospect that registered: that prospect row now points at it.
      const prospectCreatedAt = Math.max(this.historyStart, createdAt - this.random.int(3, 90) * DAY_MS);
      const prospect = this.addProspect(prospectCreatedAt, { companyId: company.id, disqualified: false, deleted: false });
      this.addFollowUps({ prospectId: prospect.id }, prospect.localeRate, prospectCreatedAt, this.randomOutcome(prospectCreatedAt, 0.02), createdAt);
      this.addComments({ prospectId: prospect.id }, prospectCreatedAt, createdAt);
    }
    const summary = this.addFollowUps({ companyId: company.id }, company.localeRate, createdAt, this.randomOutcome(createdAt, 0.2));
    this.addCompanyActivity(company.id, createdAt, summary);
  }

  private addProspectLead(): void {
    const createdAt = this.leadCreatedAt();
    const prospect = this.addProspect(createdAt, { companyId: null, disqualified: false, deleted: false });
    this.addFollowUps({ prospectId: prospect.id }, prospect.localeRate, createdAt, this.randomOutcome(createdAt, 0.05));
    this.addComments({ prospectId: prospect.id }, createdAt);
  }

  private addNonQualifyingRecords(): void {
    if (this.random.chance(AWKWARD.deletedCompany)) {
      const createdAt = this.nearbyCreatedAt();
      const company = this.addCompany(createdAt, { deleted: true });
      const summary = this.addFollowUps({ companyId: company.id }, company.localeRate, createdAt, this.randomOutcome(createdAt, 0.1));
      this.addCompanyActivity(company.id, createdAt, summary);
    }
    if (this.random.chance(AWKWARD.companyWithoutFollowUp)) {
      const createdAt = this.nearbyCreatedAt();
      const company = this.addCompany(createdAt, { deleted: false });
      this.addComments({ companyId: company.id }, createdAt);
    }
    if (this.random.chance(AWKWARD.disqualifiedProspect)) {
      const createdAt = this.nearbyCreatedAt();
      const prospect = this.addProspect(createdAt, { companyId: null, disqualified: true, deleted: false });
      this.addFollowUps({ prospectId: prospect.id }, prospect.localeRate, createdAt, this.randomOutcome(createdAt, 0));
    }
    if (this.random.chance(AWKWARD.deletedProspect)) {
      const createdAt = this.nearbyCreatedAt();
      const prospect = this.addProspect(createdAt, { companyId: null, disqualified: false, deleted: true });
      this.addFollowUps({ prospectId: prospect.id }, prospect.localeRate, createdAt, this.randomOutcome(createdAt, 0.05));
    }
    if (this.random.chance(AWKWARD.prospectWithoutFollowUp)) {
      this.addProspect(this.nearbyCreatedAt(), { companyId: null, disqualified: false, deleted: false });
    }
  }

  private addCompany(createdAt: number, { deleted }: { deleted: boolean }): NewRecord {
    const id = ++this.ids.company;
    const localeId = this.localeId();
    const updatedAt = this.random.chance(0.35) ? this.instantBetween(createdAt, this.now) : null;
    const deletedAt = deleted ? this.instantBetween(createdAt, this.now) : null;
    this.rows.companies.push([
      id,
      this.companyName(),
      localeId,
      this.salesmanId(),
      formatDbDateTime(createdAt),
      nullableDateTime(updatedAt),
      nullableDateTime(deletedAt),
    ]);
    return { id, localeRate: localeRateOf(localeId) };
  }

  private addProspect(
    createdAt: number,
    { companyId, disqualified, deleted }: { companyId: number | null; disqualified: boolean; deleted: boolean },
  ): NewRecord {
    const id = ++this.ids.prospect;
    const localeId = this.localeId();
    const first = this.random.pick(FIRST_NAMES);
    const last = this.random.pick(LAST_NAMES);
    const contactName = this.random.chance(0.9) ? `${first} ${last}` : null;
    const email = this.random.chance(0.85) ? `${slug(first)}.${slug(last)}.p${id}@example.net` : null;
    const updatedAt = this.random.chance(0.25) || disqualified ? this.instantBetween(createdAt, this.now) : null;
    const deletedAt = deleted ? this.instantBetween(createdAt, this.now) : null;
    this.rows.prospection_users.push([
      id,
      this.companyName(),
      contactName,
      email,
      localeId,
      this.salesmanId(),
      companyId,
      disqualified ? 1 : 0,
      formatDbDateTime(createdAt),
      nullableDateTime(updatedAt),
      nullableDateTime(deletedAt),
    ]);
    return { id, localeRate: localeRateOf(localeId) };
  }

  /**
   * Append-only history, `created_at` rising with `id`: each row mostly moves the lead forward
   * along the pipeline after a stay typical of its stage (stage-path.ts), sometimes back one
   * stage, sometimes not at all (a stall: the same stage again); the last row carries the outcome.
   * A won-then-lost lead has a won row followed by a lost one that keeps `won_at`.
   */
  private addFollowUps(
    owner: { companyId: number } | { prospectId: number },
    localeRate: number,
    createdAt: number,
    outcome: Outcome,
    until: number = this.now,
  ): FollowUpSummary {
    const companyId = 'companyId' in owner ? owner.companyId : null;
    const prospectId = 'prospectId' in owner ? owner.prospectId : null;
    let count = 1 + this.random.weightedIndex(FOLLOW_UP_COUNT_WEIGHTS);
    if (outcome.wonThenLost) count = Math.max(count, 2);
    const usdPerShipment = this.random.logNormal(9, 0.35);
    const product = this.random.chance(AWKWARD.productMissing) ? null : this.product();
    let stageIndex = this.random.chance(0.7) ? 0 : 1;
    let at = createdAt;
    let wonAt: number | null = null;

    for (let step = 0; step < count; step += 1) {
      at = step === 0 ? createdAt + this.random.int(0, 3600_000) : nextFollowUpAt(this.random, at, until, stageIndex);
      const last = step === count - 1;
      const wonRow = (outcome.won && last) || (outcome.wonThenLost && step === count - 2);
      const lostRow = (outcome.lost || outcome.wonThenLost) && last;
      if (step > 0) stageIndex = nextStageIndex(this.random, stageIndex);
      if (!wonRow && !lostRow && last && this.random.chance(0.08)) stageIndex = STALLED_STAGE_INDEX;
      if (wonRow) {
        stageIndex = WON_STAGE_INDEX;
        wonAt = at;
      }
      const shipments = this.random.chance(0.05) ? 0 : Math.max(1, Math.round(this.random.logNormal(40, 1.1)));
      this.rows.follow_up_data.push([
        ++this.ids.followUp,
        companyId,
        prospectId,
        stageIndex + 1,
        product,
        shipments,
        // account_value is in the lead's local currency
        Math.round(shipments * usdPerShipment * localeRate * 100) / 100,
        wonAt !== null ? 1 : 0,
        lostRow ? 1 : 0,
        nullableDateTime(wonAt),
        formatDbDateTime(at),
      ]);
    }
    return { wonAt };
  }

  private addCompanyActivity(companyId: number, createdAt: number, { wonAt }: FollowUpSummary): void {
    this.addComments({ companyId }, createdAt);

    const ships = wonAt !== null ? this.random.chance(0.85) : this.random.chance(0.08);
    if (ships) {
      const from = wonAt ?? createdAt;
      const until = Math.min(this.now, from + 2 * ACTIVITY_WINDOW_MS);
      for (let n = this.random.int(1, 6); n > 0; n -= 1) {
        this.rows.shipments.push([++this.ids.shipment, companyId, formatDbDateTime(this.instantBetween(from, until))]);
      }
    }
    const recharges = ships ? this.random.chance(0.9) : this.random.chance(AWKWARD.inRechargeOnly);
    if (recharges) {
      for (let n = this.random.int(1, 4); n > 0; n -= 1) {
        const amount = Math.round(this.random.logNormal(250, 0.8) * 100) / 100;
        this.rows.payment_history.push([
          ++this.ids.payment,
          companyId,
          amount,
          formatDbDateTime(this.instantBetween(createdAt, Math.min(this.now, createdAt + 2 * ACTIVITY_WINDOW_MS))),
        ]);
      }
    }

    if (!this.random.chance(AWKWARD.companyWithoutTier)) {
      let month = monthStart(createdAt);
      const lastMonth = monthStart(this.now);
      for (let n = this.random.int(1, 4); n > 0 && month <= lastMonth; n -= 1) {
        const tier = this.random.weightedIndex(TIER_WEIGHTS);
        const rowCreatedAt = Math.min(this.now, Date.parse(`${month}T00:00:00Z`) + this.random.int(0, 5) * DAY_MS);
        this.rows.company_monthly_tiers.push([++this.ids.tier, companyId, month, tier, formatDbDateTime(rowCreatedAt)]);
        if (this.random.chance(AWKWARD.sameMonthTierTie)) {
          // A correction for the same month: the greater id wins.
          this.rows.company_monthly_tiers.push([
            ++this.ids.tier,
            companyId,
            month,
            this.random.weightedIndex(TIER_WEIGHTS),
            formatDbDateTime(rowCreatedAt),
          ]);
        }
        month = addMonths(month, this.random.int(1, 6));
      }
    }
  }

  private addComments(owner: { companyId: number } | { prospectId: number }, createdAt: number, until = this.now): void {
    const latest = Math.min(until, createdAt + ACTIVITY_WINDOW_MS);
    for (let n = this.random.weightedIndex([25, 30, 25, 12, 8]); n > 0; n -= 1) {
      const salesmanId = this.random.chance(0.1) ? null : this.random.int(1, this.salesmanCount);
      const row = [salesmanId, this.random.pick(COMMENTS), formatDbDateTime(this.instantBetween(createdAt, latest))];
      if ('companyId' in owner) this.rows.follow_up_comments.push([++this.ids.companyComment, owner.companyId, ...row]);
      else this.rows.prospect_follow_up_comments.push([++this.ids.prospectComment, owner.prospectId, ...row]);
    }
  }

  // ---- values --------------------------------------------------------------------------------

  /**
   * Creation instants rise with the lead's index (stratified sampling), and lean towards the
   * present: the business grows. Half carry milliseconds, half whole seconds, as real CRMs mix both.
   */
  private leadCreatedAt(): number {
    const position = Math.sqrt((this.leadIndex + this.random.next()) / this.options.leads);
    this.leadIndex += 1;
    const instant = this.historyStart + position * (this.now - this.historyStart - 3_600_000);
    const createdAt = this.random.chance(0.5) ? Math.floor(instant / 1000) * 1000 : Math.floor(instant);
    this.lastLeadCreatedAt = Math.max(this.lastLeadCreatedAt, createdAt);
    return createdAt;
  }

  /** For records that are not leads: created around the latest lead. */
  private nearbyCreatedAt(): number {
    return this.lastLeadCreatedAt + this.random.int(0, 3_000_000);
  }

  private randomOutcome(createdAt: number, wonProbability: number): Outcome {
    const ageDays = (this.now - createdAt) / DAY_MS;
    if (ageDays > 20 && this.random.chance(AWKWARD.wonThenLost)) return { won: false, lost: false, wonThenLost: true };
    const won = this.random.chance(wonProbability * Math.min(1, ageDays / 60));
    const lost = !won && this.random.chance(0.14 * Math.min(1, ageDays / 30));
    return { won, lost, wonThenLost: false };
  }

  private instantBetween(from: number, to: number): number {
    return Math.floor(from + this.random.next() * Math.max(0, to - from));
  }

  private localeId(): number {
    return this.random.weightedIndex(this.localeWeights) + 1;
  }

  private salesmanId(): number | null {
    return this.random.chance(AWKWARD.unassigned) ? null : this.random.weightedIndex(this.salesmanWeights) + 1;
  }

  private product(): string {
    return DEMO_PRODUCTS[this.random.weightedIndex(this.productWeights)]?.tag ?? 'packageContent.other';
  }

  private companyName(): string {
    const suffix = this.random.pick(COMPANY_SUFFIXES);
    const name = `${this.random.pick(COMPANY_PREFIXES)} ${this.random.pick(COMPANY_CORES)}`;
    return suffix === '' ? name : `${name} ${suffix}`;
  }
}

function localeRateOf(localeId: number): number {
  return DEMO_LOCALES[localeId - 1]?.rate ?? 1;
}

function nullableDateTime(epochMs: number | null): string | null {
  return epochMs === null ? null : formatDbDateTime(epochMs);
}

function slug(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** `YYYY-MM-01` of the month holding the instant (UTC). */
function monthStart(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 7)}-01`;
}

function addMonths(month: string, count: number): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const date = new Date(Date.UTC(year, monthNumber - 1 + count, 1));
  return `${date.toISOString().slice(0, 7)}-01`;
}
