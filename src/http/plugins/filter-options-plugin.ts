import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { ADMIN_STRATEGY, CRM_MENU_PERMISSION } from '../../auth/tokens.js';
import type { ReferenceService } from '../../reference/reference-service.js';
import { errorSchema } from './analytics-schemas.js';
import { filterOptionsSchema } from './operations-schemas.js';

export interface FilterOptionsPluginOptions {
  readonly reference: Pick<ReferenceService, 'filterOptions'>;
}

const optionsSchema = Joi.object<FilterOptionsPluginOptions>({
  reference: Joi.object().required(),
});

export const FILTER_OPTIONS_PATH = '/crm/analytics/filter-options';

/**
 * `GET /crm/analytics/filter-options`: the locales and pipeline stages the dashboard's selects
 * offer, and CRM_TIMEZONE for its presets. Same auth as the analytics endpoint.
 */
export const filterOptionsPlugin: Plugin<FilterOptionsPluginOptions> = {
  name: 'crm-analytics-filter-options',
  register(server, rawOptions) {
    const { reference } = Joi.attempt(rawOptions, optionsSchema);
    server.route({
      method: 'GET',
      path: FILTER_OPTIONS_PATH,
      options: {
        auth: { strategy: ADMIN_STRATEGY, access: { scope: [CRM_MENU_PERMISSION] } },
        description: 'Locales, pipeline stages and time zone for the dashboard filters',
        tags: ['api'],
        plugins: {
          'hapi-swagger': {
            security: [{ bearer: [] }],
            responses: {
              200: { description: 'The filter options, CRM_TIMEZONE and SYNC_STALE_AFTER_SECONDS', schema: filterOptionsSchema },
              401: { description: 'Missing, malformed, expired or wrongly signed admin token', schema: errorSchema },
              403: { description: 'Valid admin token without the crm-menu permission', schema: errorSchema },
              500: { description: 'The database failed; the body says no more', schema: errorSchema },
            },
          },
        },
      },
      async handler(_request, h) {
        return h.response(await reference.filterOptions()).header('cache-control', 'private, no-cache');
      },
    });
  },
};
