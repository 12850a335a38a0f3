import Joi from 'joi';
import { payloadMetaSchema } from './analytics-schemas.js';

/** The JSON answer of `GET /prospects/client-analytics/leads` (SPEC §10), for the OpenAPI document. */

const tierLabel = Joi.string()
  .allow('')
  .pattern(/^(T[0-5])?$/)
  .description('T0…T5, or the empty string for a lead without a tier');
const instant = Joi.string().isoDate().description('ISO-8601 UTC with milliseconds');

export const leadListRowSchema = Joi.object({
  record_type: Joi.string().valid('company', 'prospect'),
  record_id: Joi.number().integer(),
  name: Joi.string().allow(''),
  salesman_id: Joi.number().integer().allow(null),
  salesman: Joi.string().allow('', null),
  locale_id: Joi.number().integer(),
  tier_label: tierLabel,
  stage_name: Joi.string().description('The virtual stage'),
  stage_color: Joi.string(),
  product: Joi.string().allow('', null),
  monthly_shipments: Joi.number().integer(),
  value_usd: Joi.number().description('round(account_value / locale_rate, 2)'),
  is_won: Joi.boolean(),
  is_lost: Joi.boolean(),
  won_at: instant.allow(null),
  closing_days: Joi.number().integer().allow(null),
  created_at: instant,
  last_activity_at: instant.allow(null),
  age_days: Joi.number().integer(),
}).label('LeadListRow');

export const leadListPayloadSchema = Joi.object({
  total: Joi.number().integer().min(0),
  leads: Joi.array().items(leadListRowSchema).label('LeadListRows'),
  next_cursor: Joi.string().allow(null).description('Pass as cursor for the next page; null on the last page'),
  meta: payloadMetaSchema,
}).label('LeadListPage');
