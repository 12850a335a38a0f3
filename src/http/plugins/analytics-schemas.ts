import Joi from 'joi';

/**
 * The response of `GET /prospects/client-analytics` (SPEC §5) as a Joi schema, which the OpenAPI
 * document at /documentation is generated from; the query parameters are in ./filter-parameters.ts.
 */

const count = Joi.number().integer().min(0);
const kpi = (value: Joi.Schema) => Joi.object({ current: value, previous: value.allow(null) });
/**
 * `T0`…`T5`, or `""` for a lead without a tier (SPEC §5). A pattern, not an enum: hapi-swagger
 * drops the empty string from an enum, and the document would then reject what the API sends.
 */
const tierLabel = Joi.string()
  .allow('')
  .pattern(/^(T[0-5])?$/)
  .description('T0…T5, or the empty string for a lead without a tier');

/** `meta` of every analytics answer (payload, leads, trends, stages): one schema, one OpenAPI `Meta`. */
export const payloadMetaSchema = Joi.object({
  source: Joi.string().valid('snapshot', 'live'),
  computed_at: Joi.string().isoDate(),
  data_as_of: Joi.string().isoDate().allow(null),
}).label('Meta');

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
    .items(Joi.object({ tier_label: tierLabel, count }).label('TierEntry'))
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
        tier_label: tierLabel,
        stage_name: Joi.string(),
        stage_color: Joi.string(),
        age_days: Joi.number().integer(),
      }).label('ActiveLead'),
    )
    .label('ActiveLeads'),
  meta: payloadMetaSchema,
}).label('AnalyticsPayload');

export const errorSchema = Joi.object({
  statusCode: Joi.number().integer(),
  error: Joi.string(),
  message: Joi.string(),
}).label('Error');
