import Boom from '@hapi/boom';
import type { Lifecycle } from '@hapi/hapi';
import Joi, { type CustomHelpers, type ErrorReport } from 'joi';
import {
  MAX_LOCALE_IDS,
  MAX_PRODUCT_LENGTH,
  MAX_STAGE_LENGTH,
  UNKNOWN_STAGE_REASON,
  isOutcomeStage,
  parseCalendarDateParameter,
  parseLocaleIds,
  parseProduct,
  parseSalesman,
  parseStageShape,
  parseTiers,
  type AnalyticsQuery,
  type Parsed,
} from '../../domain/analytics-query.js';
import type { PipelineStageCatalog } from '../../reference/pipeline-stage-catalog.js';

/**
 * The query parameters of SPEC §4, shared by every analytics route (the payload, and the routes
 * that add parameters of their own): Joi keys over the parsers of src/domain/analytics-query.ts,
 * the date-range rule, and the failAction that makes a bad parameter a 422 naming it.
 */

/** What hapi leaves in `request.query` once the §4 keys have validated and converted it. */
export interface ValidatedAnalyticsParameters {
  readonly startDate?: string;
  readonly endDate?: string;
  readonly localeIds?: number[];
  readonly salesman?: number;
  readonly tier?: number[];
  readonly stage?: string;
  readonly product?: string;
}

export function analyticsQueryOf(parameters: ValidatedAnalyticsParameters): AnalyticsQuery {
  const { startDate, endDate, localeIds, salesman, tier, stage, product } = parameters;
  return {
    ...(startDate !== undefined && endDate !== undefined ? { dateRange: { startDate, endDate } } : {}),
    ...(localeIds !== undefined ? { localeIds } : {}),
    ...(salesman !== undefined ? { salesman } : {}),
    ...(tier !== undefined ? { tiers: tier } : {}),
    ...(stage !== undefined ? { stage } : {}),
    ...(product !== undefined ? { product } : {}),
  };
}

/**
 * A query-string parameter: given once (hapi makes a repeated one an array, which fails here),
 * empty = absent, and `parse` decides the rest; its reason becomes the 422 message.
 */
export function queryParameter<T>(parse: (text: string) => Parsed<T>) {
  return Joi.string()
    .empty('')
    .custom((value: string, helpers: CustomHelpers): T | ErrorReport => {
      const parsed = parse(value);
      return parsed.ok ? parsed.value : helpers.message({ custom: `{{#label}} ${parsed.reason}` });
    })
    .messages({ 'string.base': '{{#label}} must be given once, as text' });
}

/** The keys of SPEC §4. */
function filterParameterKeys(stages: PipelineStageCatalog): Record<keyof ValidatedAnalyticsParameters, Joi.Schema> {
  return {
    startDate: queryParameter(parseCalendarDateParameter)
      .description('First day of the range (YYYY-MM-DD, in CRM_TIMEZONE). Requires endDate.')
      .example('2026-03-18'),
    endDate: queryParameter(parseCalendarDateParameter)
      .description('Last day of the range, included (YYYY-MM-DD). Requires startDate.')
      .example('2026-04-17'),
    localeIds: queryParameter(parseLocaleIds).description(`Comma-separated locale ids, at most ${MAX_LOCALE_IDS}.`).example('1,3'),
    salesman: queryParameter(parseSalesman).description('Salesman id.').example('5'),
    tier: queryParameter(parseTiers).description('Comma-separated tiers 0-5.').example('1,2,3'),
    stage: queryParameter(parseStageShape)
      .external(async (value: string | undefined, helpers) => {
        if (value === undefined || isOutcomeStage(value) || (await stages.has(value))) return undefined;
        return helpers.message({ external: `{{#label}} ${UNKNOWN_STAGE_REASON}` });
      })
      .description(`Virtual stage: customer_lost, won, in_recharge or a pipeline stage name (at most ${MAX_STAGE_LENGTH} characters).`)
      .example('negociacion'),
    product: queryParameter(parseProduct)
      .description(`Package-content tag (at most ${MAX_PRODUCT_LENGTH} characters).`)
      .example('packageContent.electronics'),
  };
}

/** A rule over several parameters at once: the message of a 422, or null when they agree. */
export type CrossParameterRule = (parameters: Readonly<Record<string, unknown>>) => string | null;

/** Both dates or neither, in order (SPEC §4). */
const dateRangeRule: CrossParameterRule = ({ startDate, endDate }) => {
  if (startDate !== undefined && endDate === undefined) return '"endDate" is required when "startDate" is given';
  if (endDate !== undefined && startDate === undefined) return '"startDate" is required when "endDate" is given';
  if (typeof startDate === 'string' && typeof endDate === 'string' && startDate > endDate) return '"startDate" must not be after "endDate"';
  return null;
};

/**
 * The query schema of an analytics route: the §4 parameters, the route's own `extraKeys`, and
 * `rules` over several of them; any other parameter is a 422 naming it.
 */
export function filterQuerySchema(
  stages: PipelineStageCatalog,
  extraKeys: Record<string, Joi.Schema> = {},
  rules: readonly CrossParameterRule[] = [],
): Joi.ObjectSchema {
  return Joi.object({ ...filterParameterKeys(stages), ...extraKeys })
    .custom((value: Record<string, unknown>, helpers: CustomHelpers) => {
      for (const rule of [dateRangeRule, ...rules]) {
        const message = rule(value);
        if (message !== null) return helpers.message({ custom: message });
      }
      return value;
    })
    .messages({ 'object.unknown': '{{#label}} is not a parameter of this endpoint' })
    .label('query');
}

/**
 * A bad parameter is a 422 naming it (SPEC §4), not Joi's default 400. Anything else that fails
 * during validation (the stage lookup cannot reach the database) is a 500.
 */
export const failAction: Lifecycle.Method = (_request, _h, error) => {
  if (Joi.isError(error)) {
    throw Boom.badData(error.details[0]?.message ?? error.message);
  }
  throw Boom.badImplementation('query validation failed', error);
};
