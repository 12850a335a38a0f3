import Boom from '@hapi/boom';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { ADMIN_STRATEGY, CRM_MENU_PERMISSION } from '../../auth/tokens.js';
import {
  DEFAULT_LEAD_LIST_LIMIT,
  LEAD_LIST_FORMATS,
  LEAD_LIST_OUTCOMES,
  LEAD_LIST_SORTS,
  MAX_LEAD_LIST_LIMIT,
  parseFormat,
  parseLimit,
  parseOutcome,
  parseSort,
  type LeadListFormat,
  type LeadListQuery,
  type LeadListSort,
} from '../../domain/lead-list.js';
import type { OutcomeBucket } from '../../domain/virtual-stage.js';
import { InvalidCursorError, type LeadListService } from '../../lead-list/lead-list-service.js';
import type { PipelineStageCatalog } from '../../reference/pipeline-stage-catalog.js';
import { ANALYTICS_PATH } from './analytics-plugin.js';
import { errorSchema } from './analytics-schemas.js';
import { analyticsQueryOf, failAction, filterQuerySchema, queryParameter, type CrossParameterRule, type ValidatedAnalyticsParameters } from './filter-parameters.js';
import { leadListPayloadSchema } from './lead-list-schemas.js';

export interface LeadListPluginOptions {
  readonly leadList: LeadListService;
  readonly stages: PipelineStageCatalog;
}

export const LEAD_LIST_PATH = `${ANALYTICS_PATH}/leads`;

const optionsSchema = Joi.object<LeadListPluginOptions>({
  leadList: Joi.object().required(),
  stages: Joi.object().required(),
});

interface ValidatedLeadListParameters extends ValidatedAnalyticsParameters {
  readonly outcome?: OutcomeBucket;
  readonly sort?: LeadListSort;
  readonly limit?: number;
  readonly cursor?: string;
  readonly format?: LeadListFormat;
}

/** The parameters of SPEC §10, besides the §4 filters; each obeys "empty = absent, twice = 422". */
const leadListKeys: Record<string, Joi.Schema> = {
  outcome: queryParameter(parseOutcome).description(`Outcome bucket: ${LEAD_LIST_OUTCOMES.join(', ')}.`).example('lost'),
  sort: queryParameter(parseSort).description(`Row order: ${LEAD_LIST_SORTS.join(' or ')} (default created_at).`).example('-value_usd'),
  limit: queryParameter(parseLimit).description(`Page size, 1-${MAX_LEAD_LIST_LIMIT} (default ${DEFAULT_LEAD_LIST_LIMIT}); not with format=csv.`).example('100'),
  cursor: queryParameter((text) => ({ ok: true, value: text }))
    .description('next_cursor of the previous page, for the same sort; not with format=csv.'),
  format: queryParameter(parseFormat).description(`${LEAD_LIST_FORMATS.join(' (default) or ')}: every row as a CSV file.`).example('csv'),
};

/** The CSV export has no pages. */
const csvHasNoPagesRule: CrossParameterRule = ({ format, limit, cursor }) => {
  if (format !== 'csv') return null;
  if (limit !== undefined) return '"limit" cannot be used with format=csv';
  if (cursor !== undefined) return '"cursor" cannot be used with format=csv';
  return null;
};

function leadListQueryOf(parameters: ValidatedLeadListParameters): LeadListQuery {
  return {
    filters: analyticsQueryOf(parameters),
    outcome: parameters.outcome ?? null,
    sort: parameters.sort ?? 'created_at',
    limit: parameters.limit ?? DEFAULT_LEAD_LIST_LIMIT,
    cursor: parameters.cursor ?? null,
    format: parameters.format ?? 'json',
  };
}

/**
 * `GET /prospects/client-analytics/leads` (SPEC §10): the leads behind a number, a page at a time
 * with a signed cursor, or every row as a CSV file streamed as the client reads it. Admin token
 * with `crm-menu`; 401, then 403, then 422 as the payload's route.
 */
export const leadListPlugin: Plugin<LeadListPluginOptions> = {
  name: 'crm-analytics-lead-list',
  register(server, rawOptions) {
    const { leadList, stages } = Joi.attempt(rawOptions, optionsSchema);
    const querySchema = filterQuerySchema(stages, leadListKeys, [csvHasNoPagesRule]);

    server.route({
      method: 'GET',
      path: LEAD_LIST_PATH,
      options: {
        auth: { strategy: ADMIN_STRATEGY, access: { scope: [CRM_MENU_PERMISSION] } },
        description: 'The leads behind a number of the dashboard',
        notes:
          'Every lead passing the filters (won and lost included): with the same filters total equals kpis.total_leads, ' +
          'with outcome=X outcome_summary[X], with stage=S the funnel count of S. Paged by an opaque cursor (next_cursor, ' +
          'null on the last page). format=csv streams every row as text/csv (RFC 4180, CRLF, formula-injection guard) ' +
          'with Content-Disposition: attachment; filename="crm-leads-<startDate>-<endDate>.csv" (all-time without dates). ' +
          'Needs an admin token with the crm-menu permission.',
        tags: ['api', 'analytics'],
        validate: { query: querySchema, failAction, options: { abortEarly: true } },
        plugins: {
          'hapi-swagger': {
            security: [{ bearer: [] }],
            responses: {
              200: { description: 'A page of leads (JSON); with format=csv, the CSV file (text/csv; charset=utf-8)', schema: leadListPayloadSchema },
              401: { description: 'Missing, malformed, expired or wrongly signed admin token', schema: errorSchema },
              403: { description: 'Valid admin token without the crm-menu permission', schema: errorSchema },
              422: { description: 'Invalid query parameter (a cursor this endpoint did not issue for this sort included); the message names it', schema: errorSchema },
              500: { description: 'The database failed; the body says no more', schema: errorSchema },
            },
          },
        },
      },
      async handler(request, h) {
        const query = leadListQueryOf(request.query);
        if (query.format === 'csv') {
          const { fileName, stream } = await leadList.csv(query);
          // A client that goes away mid-export: the stream is destroyed, which stops the engine's work.
          request.raw.res.once('close', () => {
            if (!stream.readableEnded) stream.destroy();
          });
          return h
            .response(stream)
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${fileName}"`)
            .header('cache-control', 'no-store');
        }
        try {
          return h.response(await leadList.page(query)).type('application/json; charset=utf-8').header('cache-control', 'no-store');
        } catch (error) {
          if (error instanceof InvalidCursorError) throw Boom.badData(error.message);
          throw error;
        }
      },
    });
  },
};
