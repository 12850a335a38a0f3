import Joi from 'joi';
import { describe, expect, it } from 'vitest';
import { REMEMBERED_QUERIES, REMEMBERED_QUERY_MS, rememberedQueryValidation } from '../src/http/remembered-validation.js';

describe('remembered query validation', () => {
  let calls = 0;
  let known = new Set(['a']);
  const schema = Joi.object({
    stage: Joi.string().external((value: string | undefined) => {
      calls += 1;
      if (value !== undefined && !known.has(value)) throw new Error(`unknown ${value}`);
      return undefined;
    }),
    ids: Joi.array().items(Joi.number()),
  });

  it('validates the same query once while remembered, again after 10 s, and never remembers a refusal', async () => {
    let now = 0;
    calls = 0;
    known = new Set(['a']);
    const validate = rememberedQueryValidation(schema, () => now);
    await validate({ stage: 'a' }, {});
    await validate({ stage: 'a' }, {});
    expect(calls).toBe(1);
    now = REMEMBERED_QUERY_MS;
    await validate({ stage: 'a' }, {});
    expect(calls).toBe(2);
    await expect(validate({ stage: 'b' }, {})).rejects.toThrow('unknown b');
    known.add('b');
    await expect(validate({ stage: 'b' }, {})).resolves.toEqual({ stage: 'b' });
  });

  it('hands out a frozen value, and stays within its capacity', async () => {
    const validate = rememberedQueryValidation(schema);
    const value = (await validate({ ids: [3, 1] }, {})) as { ids: number[] };
    expect(Object.isFrozen(value) && Object.isFrozen(value.ids)).toBe(true);
    expect(() => value.ids.sort()).toThrow(TypeError);
    calls = 0;
    for (let index = 0; index <= REMEMBERED_QUERIES; index += 1) await validate({ stage: 'a', ids: [index] }, {});
    await validate({ stage: 'a', ids: [0] }, {}); // pushed out by the 501st: validated again
    expect(calls).toBe(REMEMBERED_QUERIES + 2);
  });
});
