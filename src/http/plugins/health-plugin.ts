import type { Plugin } from '@hapi/hapi';
import type { Kysely } from 'kysely';
import { pingDatabase } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export interface HealthPluginOptions {
  readonly db: Kysely<Database>;
  /** What the analytics engine is doing (the memory engine's load, its generation); shown, never fatal. */
  readonly engineStatus?: () => object;
}

/** `GET /health`: 200 when the database answers, 503 when it does not. No auth: load balancers call it. */
export const healthPlugin: Plugin<HealthPluginOptions> = {
  name: 'crm-analytics-health',
  register(server, { db, engineStatus }) {
    server.route({
      method: 'GET',
      path: '/health',
      options: {
        auth: false,
        description: 'Liveness and database reachability',
        tags: ['api'],
      },
      async handler(request, h) {
        try {
          await pingDatabase(db);
          const engine = engineStatus ? { analytics_engine: engineStatus() } : {};
          return h.response({ status: 'ok', database: 'up', ...engine }).header('cache-control', 'no-store');
        } catch (error) {
          request.log(['health', 'error'], error instanceof Error ? error.message : String(error));
          return h.response({ status: 'unavailable', database: 'down' }).code(503).header('cache-control', 'no-store');
        }
      },
    });
  },
};
