import Boom from '@hapi/boom';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { CRM_MENU_PERMISSION, CRON_OR_ADMIN_STRATEGY } from '../../auth/tokens.js';
import type { SyncStatusService } from '../../operations/sync-status-service.js';
import { errorSchema } from './analytics-schemas.js';
import { syncStatusSchema } from './operations-schemas.js';

export interface SyncStatusPluginOptions {
  readonly syncStatus: Pick<SyncStatusService, 'report'>;
}

export const SYNC_STATUS_PATH = '/crm/analytics/sync/status';

const optionsSchema = Joi.object<SyncStatusPluginOptions>({
  syncStatus: Joi.object().required(),
});

/**
 * `GET /crm/analytics/sync/status` (SPEC §13): the latest successful run, the latest 20 runs and
 * the data's lag. For a cron token (a scheduler, a monitor) or an admin token with `crm-menu`; an
 * admin token without it is a 403, as on the analytics endpoint.
 */
export const syncStatusPlugin: Plugin<SyncStatusPluginOptions> = {
  name: 'crm-analytics-sync-status',
  register(server, rawOptions) {
    const { syncStatus } = Joi.attempt(rawOptions, optionsSchema);
    server.route({
      method: 'GET',
      path: SYNC_STATUS_PATH,
      options: {
        auth: { strategy: CRON_OR_ADMIN_STRATEGY },
        description: 'The latest sync runs and the lag of the data',
        notes: 'Needs a cron token, or an admin token with the crm-menu permission. Timestamps are ISO-8601 UTC.',
        tags: ['api', 'operations'],
        plugins: {
          'hapi-swagger': {
            security: [{ bearer: [] }],
            responses: {
              200: { description: 'The latest ok run (or null), the latest 20 runs newest first, the lag in seconds', schema: syncStatusSchema },
              401: { description: 'Missing, malformed, expired or wrongly signed token', schema: errorSchema },
              403: { description: 'Valid admin token without the crm-menu permission', schema: errorSchema },
              500: { description: 'The database failed; the body says no more', schema: errorSchema },
            },
          },
        },
      },
      async handler(request, h) {
        // A cron token may; an admin token needs crm-menu (authentication came first: 401, then 403).
        const { credentials } = request.auth;
        if (credentials.type !== 'cron' && !(credentials.scope ?? []).includes(CRM_MENU_PERMISSION)) {
          throw Boom.forbidden('Insufficient scope');
        }
        return h.response(await syncStatus.report()).header('cache-control', 'no-store');
      },
    });
  },
};
