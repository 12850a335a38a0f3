import Joi from 'joi';

/**
 * The responses of the operations routes (health, sync, sync status, metrics) and of the filter
 * options, as Joi schemas the OpenAPI document is generated from (docs/operations.md).
 */

const isoInstant = Joi.string().isoDate();
const count = Joi.number().integer().min(0);

export const healthOkSchema = Joi.object({
  status: Joi.string().valid('ok').required(),
  database: Joi.string().valid('up').required(),
  stale: Joi.boolean().required().description('The latest successful sync is older than SYNC_STALE_AFTER_SECONDS, or there is none'),
  data_age_seconds: Joi.number().min(0).allow(null).required().description('Now minus started_at of the latest successful sync'),
  last_sync_ok_at: isoInstant.allow(null).required().description('finished_at of the latest successful sync'),
  stale_after_seconds: Joi.number().integer().min(1).required(),
  analytics_engine: Joi.object({ kind: Joi.string().valid('memory', 'sql').required() }).unknown(true).required().label('EngineStatus'),
}).label('Health');

export const healthDownSchema = Joi.object({
  status: Joi.string().valid('unavailable').required(),
  database: Joi.string().valid('down').required(),
}).label('HealthDown');

export const syncResultSchema = Joi.object({
  ok: Joi.boolean().valid(true).required(),
  skipped: Joi.boolean().valid(true).description('Present when another run held the sync lock: nothing was written'),
}).label('SyncResult');

export const syncRunSchema = Joi.object({
  id: Joi.number().integer().required(),
  started_at: isoInstant.required(),
  finished_at: isoInstant.allow(null).required(),
  watermark: isoInstant.allow(null).required(),
  dirty_count: count.allow(null).required(),
  rolling_count: count.allow(null).required(),
  upserted_count: count.allow(null).required(),
  deleted_count: count.allow(null).required(),
  duration_ms: count.allow(null).required(),
  status: Joi.string().valid('running', 'ok', 'failed').required(),
  error: Joi.string().allow('', null).required(),
}).label('SyncRun');

export const syncStatusSchema = Joi.object({
  latest_ok: syncRunSchema.allow(null).required(),
  runs: Joi.array().items(syncRunSchema).max(20).required().label('SyncRuns'),
  lag_seconds: Joi.number().min(0).allow(null).required(),
}).label('SyncStatus');

export const filterOptionsSchema = Joi.object({
  timezone: Joi.string().required(),
  stale_after_seconds: Joi.number().integer().min(1).required(),
  locales: Joi.array()
    .items(
      Joi.object({ id: Joi.number().integer().required(), code: Joi.string().required(), name: Joi.string().required(), currency: Joi.string().required() }).label(
        'LocaleOption',
      ),
    )
    .required()
    .label('LocaleOptions'),
  stages: Joi.array()
    .items(
      Joi.object({ name: Joi.string().required(), color: Joi.string().required(), position: Joi.number().integer().required() }).label('StageOption'),
    )
    .required()
    .label('StageOptions'),
}).label('FilterOptions');
