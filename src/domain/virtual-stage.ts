/**
 * The virtual stage (SPEC §3): every lead has exactly one, by priority
 * customer_lost > won > in_recharge > its pipeline stage.
 */
export const LOST_STAGE = 'customer_lost';
export const WON_STAGE = 'won';
export const IN_RECHARGE_STAGE = 'in_recharge';
export const OUTCOME_STAGES = [LOST_STAGE, WON_STAGE, IN_RECHARGE_STAGE] as const;

export type OutcomeBucket = 'lost' | 'won' | 'in_recharge' | 'remaining';

export interface VirtualStageInputs {
  readonly is_lost: number;
  readonly is_won: number;
  readonly has_recharge: number;
  readonly has_shipment: number;
  readonly stage_name: string;
}

/** Recharged their balance but never shipped: the literal flags, also counted on their own. */
export function isInRecharge(lead: Pick<VirtualStageInputs, 'has_recharge' | 'has_shipment'>): boolean {
  return lead.has_recharge === 1 && lead.has_shipment === 0;
}

/** The won and lost buckets need only the two flags: lost outranks won (won, then lost, is lost). */
export function closedOutcomeOf(lead: Pick<VirtualStageInputs, 'is_lost' | 'is_won'>): 'lost' | 'won' | null {
  if (lead.is_lost === 1) return 'lost';
  if (lead.is_won === 1) return 'won';
  return null;
}

export function virtualStageOf(lead: VirtualStageInputs): string {
  const outcome = closedOutcomeOf(lead);
  if (outcome === 'lost') return LOST_STAGE;
  if (outcome === 'won') return WON_STAGE;
  if (isInRecharge(lead)) return IN_RECHARGE_STAGE;
  return lead.stage_name;
}

export function outcomeBucketOf(virtualStage: string): OutcomeBucket {
  switch (virtualStage) {
    case LOST_STAGE:
      return 'lost';
    case WON_STAGE:
      return 'won';
    case IN_RECHARGE_STAGE:
      return 'in_recharge';
    default:
      return 'remaining';
  }
}

/** The badge color of a virtual stage: outcome stages have fixed ones, pipeline stages their own. */
export function virtualStageColor(virtualStage: string, pipelineStageColor: string): string {
  switch (virtualStage) {
    case LOST_STAGE:
      return 'danger';
    case WON_STAGE:
      return 'success';
    case IN_RECHARGE_STAGE:
      return 'info';
    default:
      return pipelineStageColor;
  }
}

/** `stage=won` or `stage=customer_lost` lifts the "open leads only" restriction of by_tier and active_leads. */
export function showsClosedLeads(stageFilter: string | undefined): boolean {
  return stageFilter === WON_STAGE || stageFilter === LOST_STAGE;
}
