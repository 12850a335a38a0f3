import type { RateCents } from './analytics-aggregates.js';

/**
 * Σ usd = Σ account_value / locale_rate (SPEC §5), from cents summed per rate. Cents of one rate
 * are added first (integers: exact), then each rate's total is divided once, rates taken in
 * ascending order. So the result depends only on the leads, never on how an engine or a database
 * grouped or ordered them: every dialect gives the same double, bit for bit.
 */
export function usdOf(parts: Iterable<RateCents>): number {
  const centsByRate = new Map<number, number>();
  for (const { rate, cents } of parts) centsByRate.set(rate, (centsByRate.get(rate) ?? 0) + cents);
  let usdCents = 0;
  for (const rate of [...centsByRate.keys()].sort((a, b) => a - b)) {
    // SPEC §1 promises rate > 0; a broken locale row must not turn a whole payload into Infinity.
    if (rate > 0) usdCents += (centsByRate.get(rate) ?? 0) / rate;
  }
  return usdCents / 100;
}

