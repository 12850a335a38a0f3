import type { TierLabel } from '@domain/analytics-payload.js';
import { IN_RECHARGE_STAGE, LOST_STAGE, WON_STAGE } from '@domain/virtual-stage.js';

/**
 * Words for the API's identifiers. Pipeline stage names and product tags are the CRM's own
 * (Spanish stage names, `packageContent.*` translation keys); they are shown readably, with the
 * raw value kept in the title attribute and in the URL.
 */
const OUTCOME_STAGE_LABELS: Readonly<Record<string, string>> = {
  [LOST_STAGE]: 'Lost',
  [WON_STAGE]: 'Won',
  [IN_RECHARGE_STAGE]: 'In recharge',
};

export function stageLabel(stageName: string): string {
  const outcome = OUTCOME_STAGE_LABELS[stageName];
  if (outcome !== undefined) return outcome;
  const spaced = stageName.replace(/_/g, ' ').trim();
  return spaced === '' ? stageName : spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const PRODUCT_TAG_PREFIX = 'packageContent.';

/** `packageContent.autoParts` → `Auto parts`; anything else as it is. */
export function productLabel(tag: string): string {
  if (!tag.startsWith(PRODUCT_TAG_PREFIX) || tag.length === PRODUCT_TAG_PREFIX.length) return tag;
  const words = tag
    .slice(PRODUCT_TAG_PREFIX.length)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `T3` stays `T3`; a lead without a tier row is "No tier". */
export function tierLabel(label: TierLabel): string {
  return label === '' ? 'No tier' : label;
}

/** The value of the `tier` filter for a label, or null for "No tier" (the API cannot filter on it). */
export function tierFilterValue(label: TierLabel): string | null {
  return label === '' ? null : label.slice(1);
}

export const TIER_VALUES = ['0', '1', '2', '3', '4', '5'] as const;

export function recordTypeLabel(recordType: string): string {
  return recordType === 'prospect' ? 'Prospect' : 'Company';
}
