import Boom from '@hapi/boom';
import type { Plugin, Request } from '@hapi/hapi';
import Joi from 'joi';
import type { AnalyticsService } from '../../analytics/analytics-service.js';
import { ADMIN_STRATEGY, CRM_MENU_PERMISSION } from '../../auth/tokens.js';
import type { PipelineStageCatalog } from '../../reference/pipeline-stage-catalog.js';
import { analyticsPayloadSchema, errorSchema } from './analytics-schemas.js';
import { rememberedQueryValidation } from '../remembered-validation.js';
import { analyticsQueryOf, failAction, filterQuerySchema } from './filter-parameters.js';

export interface AnalyticsPluginOptions {
  readonly analytics: AnalyticsService;
  readonly stages: PipelineStageCatalog;
}

export const ANALYTICS_PATH = '/prospects/client-analytics';
export const SOURCE_HEADER = 'X-Analytics-Source';
/** Browsers may keep an answer but must revalidate it (If-None-Match) before every use (SPEC §13). */
export const ANALYTICS_CACHE_CONTROL = 'private, no-cache';

const optionsSchema = Joi.object<AnalyticsPluginOptions>({
  analytics: Joi.object().required(),
  stages: Joi.object().required(),
});

/**
 * `GET /prospects/client-analytics` (SPEC §4–6): admin token with `crm-menu` (hapi checks auth,
 * then scope, then this route's query validation: 401, 403, 422 in that order), then a snapshot
 * or a live computation from the analytics service, with `X-Analytics-Source` on every response.
 */
export const analyticsPlugin: Plugin<AnalyticsPluginOptions> = {
  name: 'crm-analytics-analytics',
  register(server, rawOptions) {
    const { analytics, stages } = Joi.attempt(rawOptions, optionsSchema);
    const querySchema = filterQuerySchema(stages);

    server.route({
      method: 'GET',
      path: ANALYTICS_PATH,
      options: {
        auth: { strategy: ADMIN_STRATEGY, access: { scope: [CRM_MENU_PERMISSION] } },
        description: 'The analytics payload of the CRM dashboard',
        notes:
          'Served from a precomputed snapshot when no interactive filter (salesman, tier, stage, product) is set and a ' +
          'snapshot of the latest successful sync exists; computed live over crm_analytics_leads otherwise. ' +
          'The X-Analytics-Source header (snapshot | live) says which. Needs an admin token with the crm-menu permission.',
        tags: ['api', 'analytics'],
        validate: {
          query: rememberedQueryValidation(querySchema),
          failAction,
          options: { abortEarly: true },
        },
        // Documents the payload; validating every response would only cost time (tests check it).
        response: { status: { 200: analyticsPayloadSchema }, sample: 0 },
        ext: {
          onPreResponse: {
            method(request: Request, h) {
              // Errors (401, 403, 422, 500) carry the header too: nothing of theirs came from a
              // snapshot. The handler sets it on every payload it returns.
              const response = request.response;
              if (Boom.isBoom(response)) response.output.headers[SOURCE_HEADER] = 'live';
              return h.continue;
            },
          },
        },
        plugins: {
          'hapi-swagger': {
            validate: { query: querySchema },
            security: [{ bearer: [] }],
            responses: {
              200: {
                description:
                  'The analytics payload, with a strong ETag (a request whose If-None-Match matches gets a 304 without a body), ' +
                  'Cache-Control: private, no-cache and Vary: Accept-Encoding',
                schema: analyticsPayloadSchema,
              },
              304: { description: 'Not modified: the If-None-Match header names the current ETag' },
              401: { description: 'Missing, malformed, expired or wrongly signed admin token', schema: errorSchema },
              403: { description: 'Valid admin token without the crm-menu permission', schema: errorSchema },
              422: { description: 'Invalid query parameter; the message names it', schema: errorSchema },
              500: { description: 'The database failed; the body says no more', schema: errorSchema },
            },
          },
        },
      },
      async handler(request, h) {
        const served = await analytics.query(analyticsQueryOf(request.query));
        // hapi negotiated the coding (br, gzip, deflate, identity; src/http/server.ts registers br).
        // A snapshot's br and gzip bytes were made once for its generation: hapi sends them as
        // they are. Anything else hapi compresses itself.
        const encoding = request.info.acceptEncoding;
        const response =
          served.body !== null && (encoding === 'br' || encoding === 'gzip')
            ? h.response(await served.body.encoded(encoding)).compressed(encoding)
            : h.response(served.body?.identity ?? served.json);
        // A strong ETag of the body; hapi appends the coding (`"…-br"`) to a compressed answer's
        // and answers a matching If-None-Match (any coding's tag) with a 304 without a body.
        return response
          .type('application/json; charset=utf-8')
          .header(SOURCE_HEADER, served.source)
          .etag(served.entityTag, { weak: false, vary: true })
          .header('cache-control', ANALYTICS_CACHE_CONTROL)
          .vary('accept-encoding');
      },
    });
  },
};
