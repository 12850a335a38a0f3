import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { StageHistoryService } from '../../analytics/stage-history-service.js';
import { ADMIN_STRATEGY, CRM_MENU_PERMISSION } from '../../auth/tokens.js';
import type { PipelineStageCatalog } from '../../reference/pipeline-stage-catalog.js';
import { errorSchema, payloadMetaSchema } from './analytics-schemas.js';
import { rememberedQueryValidation } from '../remembered-validation.js';
import { analyticsQueryOf, failAction, filterQuerySchema } from './filter-parameters.js';

export interface StageHistoryPluginOptions {
  readonly stageHistory: StageHistoryService;
  readonly stages: PipelineStageCatalog;
}

export const STAGE_HISTORY_PATH = '/prospects/client-analytics/stages';

const optionsSchema = Joi.object<StageHistoryPluginOptions>({
  stageHistory: Joi.object().required(),
  stages: Joi.object().required(),
});

const count = Joi.number().integer().min(0);
const days = Joi.number().min(0).allow(null);

/** The response of SPEC §12 as a Joi schema (the OpenAPI document is generated from it). */
export const stageHistorySchema = Joi.object({
  stages: Joi.array()
    .items(
      Joi.object({
        stage_id: Joi.number().integer(),
        stage_name: Joi.string(),
        stage_color: Joi.string(),
        position: Joi.number().integer(),
        entered: count.description('Matching leads with at least one visit to the stage'),
        current: count.description('Matching leads whose current visit is this stage, neither won nor lost'),
        advanced: count.description('Leads that entered the stage and later visited a stage of greater position, or are won'),
        advance_rate: Joi.number().min(0).max(100).allow(null).description('round(advanced / entered × 100, 1); null when entered = 0'),
        median_days: days.description('Nearest-rank median of each lead’s total completed time in the stage, in days, round(…, 1)'),
        p90_days: days.description('Nearest-rank 90th percentile of the same'),
        current_median_days: days.description('Nearest-rank median age of the current leads’ current visits, in days'),
      }).label('StageHistoryStage'),
    )
    .label('StageHistoryStages'),
  transitions: Joi.array()
    .items(Joi.object({ from: Joi.string(), to: Joi.string(), count: count }).label('StageTransition'))
    .label('StageTransitions'),
  meta: payloadMetaSchema,
}).label('StageHistory');

/**
 * `GET /prospects/client-analytics/stages` (SPEC §12): admin token with `crm-menu`, the §4
 * parameters with their rules (401, then 403, then 422), always computed live.
 */
export const stageHistoryPlugin: Plugin<StageHistoryPluginOptions> = {
  name: 'crm-analytics-stage-history',
  register(server, rawOptions) {
    const { stageHistory, stages } = Joi.attempt(rawOptions, optionsSchema);
    const querySchema = filterQuerySchema(stages);
    server.route({
      method: 'GET',
      path: STAGE_HISTORY_PATH,
      options: {
        auth: { strategy: ADMIN_STRATEGY, access: { scope: [CRM_MENU_PERMISSION] } },
        description: 'Stage history: time in stage, stage-to-stage conversion and flows',
        notes:
          'Over the leads the filters select (the date range is on the lead’s created_at), from crm_analytics_stage_visits: ' +
          'per pipeline stage how many leads entered it, are in it now, advanced from it, and how long they stayed; ' +
          'and every move from one stage to the next. Needs an admin token with the crm-menu permission.',
        tags: ['api', 'analytics'],
        validate: { query: rememberedQueryValidation(querySchema), failAction, options: { abortEarly: true } },
        response: { status: { 200: stageHistorySchema }, sample: 0 },
        plugins: {
          'hapi-swagger': {
            validate: { query: querySchema },
            security: [{ bearer: [] }],
            responses: {
              200: { description: 'Stage history of the matching leads', schema: stageHistorySchema },
              401: { description: 'Missing, malformed, expired or wrongly signed admin token', schema: errorSchema },
              403: { description: 'Valid admin token without the crm-menu permission', schema: errorSchema },
              422: { description: 'Invalid query parameter; the message names it', schema: errorSchema },
              500: { description: 'The database failed; the body says no more', schema: errorSchema },
            },
          },
        },
      },
      async handler(request, h) {
        const payload = await stageHistory.stageHistory(analyticsQueryOf(request.query));
        return h.response(payload).type('application/json; charset=utf-8').header('cache-control', 'private, no-cache');
      },
    });
  },
};
