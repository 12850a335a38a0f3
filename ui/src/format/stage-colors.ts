import { IN_RECHARGE_STAGE, LOST_STAGE, virtualStageColor, WON_STAGE } from '@domain/virtual-stage.js';

/**
 * The CRM names a stage's colour by role (`crm_stages.color`, Bootstrap's palette); the badge
 * classes in styles/tables-and-states.css and the chart colours here give each role one hue.
 */
export const STAGE_COLOR_NAMES = ['primary', 'secondary', 'info', 'warning', 'success', 'danger', 'dark'] as const;
export type StageColorName = (typeof STAGE_COLOR_NAMES)[number];

export const STAGE_COLOR_HEX: Readonly<Record<StageColorName, string>> = {
  primary: '#0d6efd',
  secondary: '#6c757d',
  info: '#0aa2c0',
  warning: '#e0a800',
  success: '#198754',
  danger: '#dc3545',
  dark: '#212529',
};

export function isStageColorName(value: string): value is StageColorName {
  return (STAGE_COLOR_NAMES as readonly string[]).includes(value);
}

/** An unknown colour (a CRM value this dashboard has no hue for) reads as `secondary`. */
export function stageColorName(color: string): StageColorName {
  return isStageColorName(color) ? color : 'secondary';
}

/** The colour of a virtual stage, given the pipeline stages' colours by name. */
export function colorOfStage(stageName: string, pipelineColors: ReadonlyMap<string, string>): StageColorName {
  return stageColorName(virtualStageColor(stageName, pipelineColors.get(stageName) ?? 'secondary'));
}

/** Outcome buckets use the colours of their virtual stages; `remaining` is the neutral one. */
export const OUTCOME_COLORS: Readonly<Record<'won' | 'lost' | 'in_recharge' | 'remaining', string>> = {
  won: STAGE_COLOR_HEX[stageColorName(virtualStageColor(WON_STAGE, ''))],
  lost: STAGE_COLOR_HEX[stageColorName(virtualStageColor(LOST_STAGE, ''))],
  in_recharge: STAGE_COLOR_HEX[stageColorName(virtualStageColor(IN_RECHARGE_STAGE, ''))],
  remaining: '#9aa5b1',
};
