import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { HealthService } from '../../operations/health-service.js';
import { healthDownSchema, healthOkSchema } from './operations-schemas.js';

export interface HealthPluginOptions {
  readonly health: HealthService;
}

const optionsSchema = Joi.object<HealthPluginOptions>({
  health: Joi.object().required(),
});

/** `GET /health`: 200 when the database answers, 503 when it does not. No auth: load balancers call it. */
export const healthPlugin: Plugin<HealthPluginOptions> = {
  name: 'crm-analytics-health',
  register(server, rawOptions) {
    const { health } = Joi.attempt(rawOptions, optionsSchema);
    server.route({
      method: 'GET',
      path: '/health',
      options: {
        auth: false,
        description: 'Liveness, database reachability and the staleness of the data',
        notes:
          '200 while the database answers, stale data included (`stale` says so: the latest successful sync started more than ' +
          'SYNC_STALE_AFTER_SECONDS ago, or there is none); 503 when the database does not answer. No token.',
        tags: ['api'],
        plugins: {
          'hapi-swagger': {
            responses: {
              200: { description: 'The database answers', schema: healthOkSchema },
              503: { description: 'The database does not answer', schema: healthDownSchema },
            },
          },
        },
      },
      async handler(request, h) {
        const { healthy, report, problem } = await health.check();
        if (problem !== null) request.log(['health', 'error'], problem);
        return h.response(report).code(healthy ? 200 : 503).header('cache-control', 'no-store');
      },
    });
  },
};
