import type { Plugin, Request } from '@hapi/hapi';
import Joi from 'joi';
import { CRON_STRATEGY } from '../../auth/tokens.js';
import { UNMATCHED_ROUTE, type OperationsMetrics } from '../../operations/metrics.js';
import { errorSchema } from './analytics-schemas.js';

export interface MetricsPluginOptions {
  readonly metrics: OperationsMetrics;
}

export const METRICS_PATH = '/metrics';

const optionsSchema = Joi.object<MetricsPluginOptions>({
  metrics: Joi.object().required(),
});

/** The route label: hapi's route path (a bounded set), never the raw URL. */
function routeLabel(request: Request): string {
  const route = request.route as Request['route'] | null;
  // hapi's own not-found and bad-request answers run on a special route.
  if (!route || (route.method as string) === '_special') return UNMATCHED_ROUTE;
  return route.path;
}

/**
 * `GET /metrics` (SPEC §13): the Prometheus text of this process, for a scraper holding a cron
 * token. Also measures every request of the server (count by route and status, duration by route
 * and analytics source) from its arrival to its response.
 */
export const metricsPlugin: Plugin<MetricsPluginOptions> = {
  name: 'crm-analytics-metrics',
  register(server, rawOptions) {
    const { metrics } = Joi.attempt(rawOptions, optionsSchema);
    const arrivals = new WeakMap<object, number>();

    server.ext('onRequest', (request, h) => {
      arrivals.set(request, performance.now());
      return h.continue;
    });
    server.events.on('response', (request) => {
      const arrived = arrivals.get(request);
      if (arrived === undefined) return;
      const source = request.raw.res.getHeader('x-analytics-source');
      metrics.recordHttpRequest({
        route: routeLabel(request),
        status: request.raw.res.statusCode,
        source: typeof source === 'string' ? source : 'none',
        seconds: (performance.now() - arrived) / 1000,
      });
    });

    server.route({
      method: 'GET',
      path: METRICS_PATH,
      options: {
        auth: { strategy: CRON_STRATEGY },
        description: 'Prometheus metrics of this process',
        notes: 'Prometheus text exposition format (docs/operations.md). Needs a cron token.',
        tags: ['api', 'operations'],
        plugins: {
          'hapi-swagger': {
            security: [{ bearer: [] }],
            produces: ['text/plain', 'application/json'],
            responses: {
              200: { description: 'Prometheus text exposition format, version 0.0.4' },
              401: { description: 'Missing, malformed, expired or wrongly signed cron token', schema: errorSchema },
              500: { description: 'The database failed; the body says no more', schema: errorSchema },
            },
          },
        },
      },
      async handler(_request, h) {
        return h.response(await metrics.render()).type(metrics.contentType).header('cache-control', 'no-store');
      },
    });
  },
};
