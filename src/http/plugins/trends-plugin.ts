import Boom from '@hapi/boom';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { TrendsService } from '../../analytics/trends-service.js';
import { ADMIN_STRATEGY, CRM_MENU_PERMISSION } from '../../auth/tokens.js';
import { DEFAULT_TREND_INTERVAL, MAX_TREND_BUCKETS, TooManyTrendBucketsError, trendBucketLimitMessage, type TrendInterval } from '../../domain/trend-buckets.js';
import { parseTrendInterval } from '../../domain/trends.js';
import type { PipelineStageCatalog } from '../../reference/pipeline-stage-catalog.js';
import { rememberedQueryValidation } from '../remembered-validation.js';
import { errorSchema } from './analytics-schemas.js';
import { analyticsQueryOf, failAction, filterQuerySchema, queryParameter, type CrossParameterRule, type ValidatedAnalyticsParameters } from './filter-parameters.js';
import { ANALYTICS_PATH, SOURCE_HEADER } from './analytics-plugin.js';
import { trendsPayloadSchema } from './trends-schemas.js';

export interface TrendsPluginOptions {
  readonly trends: TrendsService;
  readonly stages: PipelineStageCatalog;
}

export const TRENDS_PATH = `${ANALYTICS_PATH}/trends`;

const optionsSchema = Joi.object<TrendsPluginOptions>({
  trends: Joi.object().required(),
  stages: Joi.object().required(),
});

/** A date range of more than MAX_TREND_BUCKETS buckets is refused before any lead is read. */
const bucketLimitRule: CrossParameterRule = ({ startDate, endDate, interval }) =>
  typeof startDate === 'string' && typeof endDate === 'string'
    ? trendBucketLimitMessage({ startDate, endDate }, (interval as TrendInterval | undefined) ?? DEFAULT_TREND_INTERVAL)
    : null;

/**
 * `GET /prospects/client-analytics/trends` (SPEC §11): the §4 filters and `interval`, the same
 * auth and 401 → 403 → 422 order as the dashboard payload, a series computed live.
 */
export const trendsPlugin: Plugin<TrendsPluginOptions> = {
  name: 'crm-analytics-trends',
  register(server, rawOptions) {
    const { trends, stages } = Joi.attempt(rawOptions, optionsSchema);
    const querySchema = filterQuerySchema(
      stages,
      {
        interval: queryParameter(parseTrendInterval)
          .description(`Bucket size: day, week (ISO, Monday-Sunday) or month (default). At most ${MAX_TREND_BUCKETS} buckets.`)
          .example('week'),
      },
      [bucketLimitRule],
    );

    server.route({
      method: 'GET',
      path: TRENDS_PATH,
      options: {
        auth: { strategy: ADMIN_STRATEGY, access: { scope: [CRM_MENU_PERMISSION] } },
        description: 'Every KPI as a day, week or month series',
        notes:
          'Buckets are calendar days, ISO weeks or months of CRM_TIMEZONE, clipped to [startDate, endDate]; without dates the ' +
          'range runs from the earliest matching lead to today (an empty series when none). Per bucket: the leads created in it ' +
          '(outcome buckets, advancement rate, shipments, USD value) and the leads won in it (closed_won, avg_closing_days). ' +
          'The series sums to the dashboard payload of the same filters. Needs an admin token with the crm-menu permission.',
        tags: ['api', 'analytics'],
        validate: {
          query: rememberedQueryValidation(querySchema),
          failAction,
          options: { abortEarly: true },
        },
        response: { status: { 200: trendsPayloadSchema }, sample: 0 },
        plugins: {
          'hapi-swagger': {
            validate: { query: querySchema },
            security: [{ bearer: [] }],
            responses: {
              200: { description: 'The series, Cache-Control: private, no-cache', schema: trendsPayloadSchema },
              401: { description: 'Missing, malformed, expired or wrongly signed admin token', schema: errorSchema },
              403: { description: 'Valid admin token without the crm-menu permission', schema: errorSchema },
              422: {
                description: `Invalid query parameter, or a range of more than ${MAX_TREND_BUCKETS} buckets (naming interval); the message names it`,
                schema: errorSchema,
              },
              500: { description: 'The database failed; the body says no more', schema: errorSchema },
            },
          },
        },
      },
      async handler(request, h) {
        const parameters = request.query as ValidatedAnalyticsParameters & { interval?: TrendInterval };
        try {
          const payload = await trends.query({ ...analyticsQueryOf(parameters), interval: parameters.interval ?? DEFAULT_TREND_INTERVAL });
          return h.response(payload).header(SOURCE_HEADER, payload.meta.source).header('cache-control', 'private, no-cache');
        } catch (error) {
          // Without dates, the range starts at the earliest matching lead: only now is its length known.
          if (error instanceof TooManyTrendBucketsError) throw Boom.badData(error.message);
          throw error;
        }
      },
    });
  },
};
