import Joi from 'joi';
import { payloadMetaSchema } from './analytics-schemas.js';
import { TREND_INTERVALS } from '../../domain/trend-buckets.js';

/**
 * The response of `GET /prospects/client-analytics/trends` (SPEC §11) as a Joi schema, which the
 * OpenAPI document is generated from.
 */
const count = Joi.number().integer().min(0);
const calendarDate = Joi.string()
  .pattern(/^\d{4}-\d{2}-\d{2}$/)
  .description('YYYY-MM-DD, in CRM_TIMEZONE');

export const trendPointSchema = Joi.object({
  start: calendarDate.description('First day of the bucket (clipped to the range), included'),
  end: calendarDate.description('Last day of the bucket (clipped to the range), included'),
  total_leads: count.description('Leads passing all filters created in the bucket'),
  won: count,
  lost: count,
  in_recharge: count,
  remaining: count,
  advancement_rate: Joi.number().description('round((won + in_recharge) / total_leads × 100, 1); 0 when no leads'),
  total_shipments: count,
  value_usd: Joi.number().description('round(Σ account_value / locale_rate, 2)'),
  closed_won: count.description('Leads passing every filter but the dates, won (is_won = 1) with won_at in the bucket'),
  avg_closing_days: Joi.number().allow(null).description('round(AVG(closing_days), 1) over leads with won_at in the bucket; null when none'),
}).label('TrendPoint');

export const trendsPayloadSchema = Joi.object({
  interval: Joi.string().valid(...TREND_INTERVALS),
  series: Joi.array().items(trendPointSchema).max(1000).label('TrendSeries'),
  meta: payloadMetaSchema,
}).label('TrendsPayload');
