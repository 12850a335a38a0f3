import { createRequire } from 'node:module';
import { constants, createBrotliCompress } from 'node:zlib';
import Hapi, { type Server } from '@hapi/hapi';
import HapiPino from 'hapi-pino';
import type { Application } from '../app/application.js';
import { analyticsPlugin } from './plugins/analytics-plugin.js';
import { authPlugin } from './plugins/auth-plugin.js';
import { DEFAULT_DASHBOARD_DIRECTORY, dashboardPlugin } from './plugins/dashboard-plugin.js';
import { filterOptionsPlugin } from './plugins/filter-options-plugin.js';
import { healthPlugin } from './plugins/health-plugin.js';
import { leadListPlugin } from './plugins/lead-list-plugin.js';
import { metricsPlugin } from './plugins/metrics-plugin.js';
import { openApiPlugin } from './plugins/openapi-plugin.js';
import { requestLimitsPlugin } from './plugins/request-limits-plugin.js';
import { securityHeadersPlugin } from './plugins/security-headers-plugin.js';
import { syncPlugin } from './plugins/sync-plugin.js';
import { stageHistoryPlugin } from './plugins/stage-history-plugin.js';
import { syncStatusPlugin } from './plugins/sync-status-plugin.js';
import { trendsPlugin } from './plugins/trends-plugin.js';
import { corsSettings, createHttpListener, REQUEST_LIMITS } from './http-hygiene.js';

const SERVICE_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** What hapi-pino's request serializer is given (pino's standard shape of a hapi request). */
interface LoggedRequest {
  readonly id?: string;
  readonly method?: string;
  readonly url?: string;
  readonly query?: unknown;
  readonly remoteAddress?: string;
  readonly headers?: Record<string, string | string[] | undefined>;
}

export interface ServerOptions {
  /** Overrides the configured port (0 = any free port). */
  readonly port?: number;
  readonly host?: string;
  /** The built dashboard to serve at `/` (default: `ui/dist`); tests point it at their own build. */
  readonly dashboardDirectory?: string;
}

/**
 * Builds the hapi server with one plugin per feature. Not started: `server.inject` works on it
 * as it is, `server.start()` listens.
 */
export async function createServer(app: Application, options: ServerOptions = {}): Promise<Server> {
  const server = Hapi.server({
    port: options.port ?? app.config.http.port,
    host: options.host ?? app.config.http.host,
    router: { stripTrailingSlash: true },
    // hapi-pino logs request errors (500s included); hapi's own console debug output would repeat them.
    debug: false,
    routes: {
      response: { emptyStatusCode: 204 },
      security: { noSniff: true, xframe: 'deny', referrer: 'no-referrer' },
      // HTTP hygiene (docs/reliability.md): bounded bodies, CORS only for CORS_ORIGINS.
      payload: { maxBytes: REQUEST_LIMITS.maxPayloadBytes },
      cors: corsSettings(app.config.http.corsOrigins),
    },
    // The header-size bound and timeouts live on the listener (src/http/http-hygiene.ts).
    listener: createHttpListener(),
  });

  // Brotli besides gzip and deflate: hapi prefers it when a client accepts it. A quick level for
  // what is compressed per response; snapshots are sent from bytes compressed once (analytics plugin).
  server.encoder('br', () => createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }));

  // HTTP hygiene first, so it covers every route registered after it (docs/reliability.md).
  await server.register(securityHeadersPlugin);
  await server.register(requestLimitsPlugin);

  await server.register({
    plugin: HapiPino,
    options: {
      instance: app.logger,
      // Logs carry request ids, never the Authorization header.
      redact: ['req.headers.authorization'],
      // A request line says which request (its id, method, URL, client) and how it ended; headers
      // stay out (the Authorization header above all, and they cost more to write than the rest).
      serializers: {
        req: (req: LoggedRequest) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          query: req.query,
          remoteAddress: req.remoteAddress,
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      ignorePaths: ['/health'],
      logRequestStart: false,
    },
  });
  await server.register({
    plugin: authPlugin,
    options: { jwtSecret: app.config.auth.jwtSecret, cronJwtSecret: app.config.auth.cronJwtSecret },
  });
  await server.register({ plugin: healthPlugin, options: { health: app.health } });
  await server.register({ plugin: analyticsPlugin, options: { analytics: app.analytics, stages: app.reference.pipelineStages } });
  await server.register({ plugin: trendsPlugin, options: { trends: app.trends, stages: app.reference.pipelineStages } });
  await server.register({ plugin: leadListPlugin, options: { leadList: app.leadList, stages: app.reference.pipelineStages } });
  await server.register({ plugin: stageHistoryPlugin, options: { stageHistory: app.stageHistory, stages: app.reference.pipelineStages } });
  await server.register({ plugin: openApiPlugin, options: { version: SERVICE_VERSION } });
  await server.register({ plugin: syncPlugin, options: { sync: app.sync } });
  await server.register({ plugin: filterOptionsPlugin, options: { reference: app.reference } });
  // Operations (docs/operations.md): Prometheus metrics of every request, the sync status.
  await server.register({ plugin: metricsPlugin, options: { metrics: app.metrics } });
  await server.register({ plugin: syncStatusPlugin, options: { syncStatus: app.syncStatus } });
  // Last: its catch-all route only answers what no API route matched.
  await server.register({
    plugin: dashboardPlugin,
    options: { directory: options.dashboardDirectory ?? DEFAULT_DASHBOARD_DIRECTORY },
  });

  return server;
}
