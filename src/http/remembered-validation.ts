import type { ObjectSchema, ValidationOptions } from 'joi';

/** Distinct query strings remembered per route, and for how long. */
export const REMEMBERED_QUERIES = 500;
export const REMEMBERED_QUERY_MS = 10_000;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const nested of Object.values(value)) deepFreeze(nested);
    Object.freeze(value);
  }
  return value;
}

/**
 * A route's query validation that remembers what it accepted: the same parameters (a dashboard's
 * presets, asked again and again) validate once per 10 s instead of on every request. Joi's
 * asynchronous validation (the `stage` parameter is looked up in crm_stages) was a tenth of a
 * snapshot hit's CPU. Refusals are never remembered, so a 422 is always decided afresh; an
 * accepted stage removed from crm_stages stays accepted for at most 10 s more (the stage catalog
 * itself is read every 30 s). The remembered value is frozen: a route cannot change it for the
 * next request. hapi-swagger documents the route from the schema itself
 * (`plugins['hapi-swagger'].validate.query`).
 */
export function rememberedQueryValidation(schema: ObjectSchema, now: () => number = Date.now) {
  const accepted = new Map<string, { readonly value: unknown; readonly until: number }>();
  return async (query: string | object | Buffer, options: ValidationOptions): Promise<unknown> => {
    const key = JSON.stringify(query);
    const time = now();
    const kept = accepted.get(key);
    if (kept !== undefined && kept.until > time) return kept.value;
    const value = deepFreeze((await schema.validateAsync(query, options)) as unknown);
    accepted.delete(key);
    accepted.set(key, { value, until: time + REMEMBERED_QUERY_MS });
    while (accepted.size > REMEMBERED_QUERIES) {
      const oldest = accepted.keys().next().value;
      if (oldest === undefined) break;
      accepted.delete(oldest);
    }
    return value;
  };
}
