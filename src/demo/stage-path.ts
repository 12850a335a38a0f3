import { DEMO_STAGES } from './crm-catalog.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * How a demo lead moves through the pipeline (stage indexes into DEMO_STAGES): mostly forward
 * after a stay typical of its stage, sometimes back or nowhere, negotiation the slowest — so the
 * demo's stage history (docs/stage-history.md) has a story to tell. The generator draws from the
 * same SeededRandom in the same order, so a seed still gives the same CRM.
 */

const DAY_MS = 86_400_000;

export const WON_STAGE_INDEX = DEMO_STAGES.findIndex((stage) => stage.name === 'cierre');
export const STALLED_STAGE_INDEX = DEMO_STAGES.findIndex((stage) => stage.name === 'sin_respuesta');
const PIPELINE_LENGTH = STALLED_STAGE_INDEX; // the stages before `sin_respuesta` form the path
/**
 * Median days a lead stays in each pipeline stage before its next follow-up (nuevo, contactado,
 * calificado, propuesta, negociacion, cierre): negotiation is where deals stall, so the demo's
 * stage history (SPEC §12) has a story to tell.
 */
const STAGE_MEDIAN_DAYS = [2, 5, 8, 12, 24, 4] as const;
/** What a follow-up after the first does to the stage: back one, stay (a stall), forward one, forward two. */
const MOVE_WEIGHTS = [8, 27, 55, 10] as const;
/** Leads in the slow stage move on less often: more stay, fewer skip ahead. */
const SLOW_STAGE_MOVE_WEIGHTS = [10, 45, 42, 3] as const;
const SLOW_STAGE_INDEX = DEMO_STAGES.findIndex((stage) => stage.name === 'negociacion');

/** The stage of a follow-up after one in `stageIndex` (a won or stalled lead restarts from the path's end). */
export function nextStageIndex(random: SeededRandom, stageIndex: number): number {
  const from = Math.min(stageIndex, PIPELINE_LENGTH - 1);
  const move = random.weightedIndex(from === SLOW_STAGE_INDEX ? SLOW_STAGE_MOVE_WEIGHTS : MOVE_WEIGHTS) - 1;
  return Math.max(0, Math.min(PIPELINE_LENGTH - 1, from + move));
}

/** The next follow-up's instant: a stay typical of the stage the lead is in, never past `until`. */
export function nextFollowUpAt(random: SeededRandom, after: number, until: number, stageIndex: number): number {
  const gap = random.logNormal(STAGE_MEDIAN_DAYS[Math.min(stageIndex, STAGE_MEDIAN_DAYS.length - 1)] ?? 6, 0.8) * DAY_MS;
  return Math.min(Math.floor(after + gap), Math.max(after, until - random.int(1, 600) * 1000));
}
