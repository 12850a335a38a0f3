import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { HealthService } from '../../operations/health-service.js';

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
        description: 'Liveness and database reachability',
        tags: ['api'],
      },
      async handler(request, h) {
        const { healthy, report, problem } = await health.check();
        if (problem !== null) request.log(['health', 'error'], problem);
        return h.response(report).code(healthy ? 200 : 503).header('cache-control', 'no-store');
      },
    });
  },
};
