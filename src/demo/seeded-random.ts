/**
 * A small, fast, seedable PRNG (mulberry32): the same seed always yields the same demo CRM,
 * whatever the batch size or the database.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Spread nearby seeds (1, 2, 3…) across the state space.
    this.state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Index drawn with the given relative weights. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const weight of weights) total += weight;
    let remaining = this.next() * total;
    for (let index = 0; index < weights.length; index += 1) {
      remaining -= weights[index] ?? 0;
      if (remaining < 0) return index;
    }
    return weights.length - 1;
  }

  /** Roughly log-normal positive value with the given median. */
  logNormal(median: number, spread: number): number {
    const gaussian = Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
    return median * Math.exp(spread * gaussian);
  }
}
