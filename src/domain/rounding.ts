/**
 * `round(x, d)` of SPEC §5: half away from zero, on the decimal the number was meant to be.
 * A binary double such as 1.005 is really 1.00499999999999989…; reading it back to 15 significant
 * digits first recovers the decimal 1.005, which then rounds to 1.01 as a person would expect.
 */
export function roundHalfAwayFromZero(value: number, decimals: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`cannot round ${value}`);
  const scale = 10 ** decimals;
  const scaled = Number.parseFloat((Math.abs(value) * scale).toPrecision(15));
  const rounded = Math.floor(scaled + 0.5) / scale;
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}
