import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { CRON_STRATEGY } from '../../auth/tokens.js';
import type { SyncService } from '../../sync/sync-service.js';
import { errorSchema } from './analytics-schemas.js';
import { syncResultSchema } from './operations-schemas.js';

export interface SyncPluginOptions {
  readonly sync: SyncService;
}

/** What a scheduler may send along (ignored): room for an empty JSON object and then some. */
export const SYNC_MAX_PAYLOAD_BYTES = 1024;

const optionsSchema = Joi.object<SyncPluginOptions>({
  sync: Joi.object().required(),
});

/**
 * `POST /crm/analytics/sync` (SPEC §7), for an external scheduler holding a cron token: runs one
 * sync and answers `{"ok": true}`, or `{"ok": true, "skipped": true}` when a run is already in
 * progress anywhere. A failed run is hapi's standard 500 (the message and stack stay in the logs).
 */
export const syncPlugin: Plugin<SyncPluginOptions> = {
  name: 'crm-analytics-sync',
  register(server, rawOptions) {
    const { sync } = Joi.attempt(rawOptions, optionsSchema);
    server.route({
      method: 'POST',
      path: '/crm/analytics/sync',
      options: {
        auth: { strategy: CRON_STRATEGY },
        // "Payload: none": whatever a scheduler sends is ignored, never parsed into a 400; a
        // body over SYNC_MAX_PAYLOAD_BYTES is a 413 and runs nothing (docs/reliability.md).
        payload: { parse: false, output: 'data', maxBytes: SYNC_MAX_PAYLOAD_BYTES },
        description: 'Run one incremental sync of crm_analytics_leads',
        notes: 'Needs a cron token. Answers once the run (and the snapshot rebuild after it) has finished.',
        tags: ['api'],
        plugins: {
          'hapi-swagger': {
            security: [{ bearer: [] }],
            responses: {
              200: { description: '{"ok": true}, or {"ok": true, "skipped": true} when a run was in progress', schema: syncResultSchema },
              401: { description: 'Missing, malformed, expired or wrongly signed cron token', schema: errorSchema },
              413: { description: 'A body over 1 KiB', schema: errorSchema },
              500: { description: 'The run failed (logged failed; the watermark did not move)', schema: errorSchema },
            },
          },
        },
      },
      async handler() {
        const result = await sync.run();
        return result.skipped ? { ok: true, skipped: true } : { ok: true };
      },
    });
  },
};
