import Joi, { type CustomHelpers, type ErrorReport } from 'joi';
import {
  MAX_LOCALE_IDS,
  MAX_PRODUCT_LENGTH,
  MAX_STAGE_LENGTH,
  UNKNOWN_STAGE_REASON,
  isOutcomeStage,
  parseCalendarDateParameter,
  parseLocaleIds,
  parseProduct,
  parseSalesman,
  parseStageShape,
  parseTiers,
  type AnalyticsQuery,
  type Parsed,
} from '../../domain/analytics-query.js';
import { TIER_LABELS } from '../../domain/analytics-payload.js';
import type { PipelineStageCatalog } from '../../reference/pipeline-stage-catalog.js';

/**
 * Joi schemas of `GET /prospects/client-analytics`: the query parameters (SPEC §4; the rules
 * themselves are the parsers of src/domain/analytics-query.ts) and the response (SPEC §5), which
 * the OpenAPI document at /documentation is generated from.
 */

/** What hapi leaves in `request.query` once the schema below has validated and converted it. */
export interface ValidatedAnalyticsParameters {
  readonly startDate?: string;
  readonly endDate?: string;
  readonly localeIds?: number[];
  readonly salesman?: number;
  readonly tier?: number[];
  readonly stage?: string;
  readonly product?: string;
}

export function analyticsQueryOf(parameters: ValidatedAnalyticsParameters): AnalyticsQuery {
  const { startDate, endDate, localeIds, salesman, tier, stage, product } = parameters;
  return {
    ...(startDate !== undefined && endDate !== undefined ? { dateRange: { startDate, endDate } } : {}),
    ...(localeIds !== undefined ? { localeIds } : {}),
    ...(salesman !== undefined ? { salesman } : {}),
    ...(tier !== undefined ? { tiers: tier } : {}),
    ...(stage !== undefined ? { stage } : {}),
    ...(product !== undefined ? { product } : {}),
  };
}

/** A query-string parameter: given once (hapi makes a repeated one an array), empty = absent. */
function parameter<T>(parse: (text: string) => Parsed<T>) {
  return Joi.string()
    .empty('')
    .custom((value: string, helpers: CustomHelpers): T | ErrorReport => {
      const parsed = parse(value);
      return parsed.ok ? parsed.value : helpers.message({ custom: `{{#label}} ${parsed.reason}` });
    })
    .messages({ 'string.base': '{{#label}} must be given once, as text' });
}

export function analyticsQuerySchema(stages: PipelineStageCatalog): Joi.ObjectSchema {
  return Joi.object({
    startDate: parameter(parseCalendarDateParameter)
      .description('First day of the range (YYYY-MM-DD, in CRM_TIMEZONE). Requires endDate.')
      .example('2026-03-18'),
    endDate: parameter(parseCalendarDateParameter)
      .description('Last day of the range, included (YYYY-MM-DD). Requires startDate.')
      .example('2026-04-17'),
    localeIds: parameter(parseLocaleIds)
      .description(`Comma-separated locale ids, at most ${MAX_LOCALE_IDS}. Part of the snapshot cache key.`)
      .example('1,3'),
    salesman: parameter(parseSalesman).description('Salesman id. Always computed live.').example('5'),
    tier: parameter(parseTiers).description('Comma-separated tiers 0-5. Always computed live.').example('1,2,3'),
    stage: parameter(parseStageShape)
      .external(async (value: string | undefined, helpers) => {
        if (value === undefined || isOutcomeStage(value) || (await stages.has(value))) return undefined;
        return helpers.message({ external: `{{#label}} ${UNKNOWN_STAGE_REASON}` });
      })
      .description(`Virtual stage: customer_lost, won, in_recharge or a pipeline stage name (at most ${MAX_STAGE_LENGTH} characters). Always computed live.`)
      .example('negociacion'),
    product: parameter(parseProduct)
      .description(`Package-content tag (at most ${MAX_PRODUCT_LENGTH} characters). Always computed live.`)
      .example('packageContent.electronics'),
  })
    .custom((value: ValidatedAnalyticsParameters, helpers: CustomHelpers) => {
      const { startDate, endDate } = value;
      if (startDate !== undefined && endDate === undefined) return helpers.message({ custom: '"endDate" is required when "startDate" is given' });
      if (endDate !== undefined && startDate === undefined) return helpers.message({ custom: '"startDate" is required when "endDate" is given' });
      if (startDate !== undefined && endDate !== undefined && startDate > endDate) {
        return helpers.message({ custom: '"startDate" must not be after "endDate"' });
      }
      return value;
    })
    .messages({ 'object.unknown': '{{#label}} is not a parameter of this endpoint' })
    .label('query');
}

// ---- response ----------------------------------------------------------------------------------

const count = Joi.number().integer().min(0);
const kpi = (value: Joi.Schema) => Joi.object({ current: value, previous: value.allow(null) });

export const analyticsPayloadSchema = Joi.object({
  kpis: Joi.object({
    total_leads: kpi(count).label('CountKpi'),
    total_shipments: kpi(count).label('CountKpi'),
    avg_shipment_cost: Joi.object({ current: Joi.number().allow(null), previous: Joi.number().allow(null) }).label('UsdKpi'),
    total_lost: kpi(count).label('CountKpi'),
  }).label('Kpis'),
  extra_kpis: Joi.object({
    avg_closing_days: Joi.number().allow(null),
    advancement_rate: Joi.number(),
    in_recharge: count,
  }).label('ExtraKpis'),
  sales_funnel: Joi.array()
    .items(Joi.object({ stage_name: Joi.string(), count, percentage: Joi.number() }).label('FunnelEntry'))
    .label('SalesFunnel'),
  outcome_summary: Joi.object({ won: count, lost: count, in_recharge: count, remaining: count }).label('OutcomeSummary'),
  by_executive: Joi.array()
    .items(Joi.object({ id: Joi.number().integer(), name: Joi.string().allow('') }).label('Executive'))
    .label('Executives'),
  by_executive_stage: Joi.array()
    .items(
      Joi.object({
        id: Joi.number().integer().allow(null),
        name: Joi.string().allow('', null),
        won: count,
        lost: count,
        remaining: count,
        total: count,
      }).label('ExecutiveStage'),
    )
    .label('ExecutiveStages'),
  by_tier: Joi.array()
    .items(Joi.object({ tier_label: Joi.string().valid(...TIER_LABELS), count }).label('TierEntry'))
    .label('Tiers'),
  by_product: Joi.array()
    .items(Joi.object({ product_name: Joi.string().allow(''), lead_count: count, total_value: Joi.number() }).label('ProductEntry'))
    .label('Products'),
  active_leads: Joi.array()
    .max(100)
    .items(
      Joi.object({
        record_id: Joi.number().integer(),
        record_type: Joi.string().valid('company', 'prospect'),
        name: Joi.string().allow(''),
        salesman: Joi.string().allow('', null),
        tier_label: Joi.string().valid(...TIER_LABELS),
        stage_name: Joi.string(),
        stage_color: Joi.string(),
        age_days: Joi.number().integer(),
      }).label('ActiveLead'),
    )
    .label('ActiveLeads'),
  meta: Joi.object({
    source: Joi.string().valid('snapshot', 'live'),
    computed_at: Joi.string().isoDate(),
    data_as_of: Joi.string().isoDate().allow(null),
  }).label('Meta'),
}).label('AnalyticsPayload');

export const errorSchema = Joi.object({
  statusCode: Joi.number().integer(),
  error: Joi.string(),
  message: Joi.string(),
}).label('Error');
