/**
 * Dictionary encoding: each distinct value gets a small integer code, stored per row in a typed
 * array instead of the value itself. Codes only ever grow, so a store built earlier keeps reading
 * its codes correctly while a refresh adds entries for the next one.
 */
export class Dictionary<V> {
  readonly #codes = new Map<string, number>();
  readonly #values: V[] = [];

  constructor(private readonly keyOf: (value: V) => string) {}

  get size(): number {
    return this.#values.length;
  }

  /** The code of `value`, added when new. */
  encode(value: V): number {
    const key = this.keyOf(value);
    let code = this.#codes.get(key);
    if (code === undefined) {
      code = this.#values.length;
      this.#values.push(value);
      this.#codes.set(key, code);
    }
    return code;
  }

  /** The code of `value`, or -1 when no row ever had it. */
  find(value: V): number {
    return this.#codes.get(this.keyOf(value)) ?? -1;
  }

  valueOf(code: number): V {
    const value = this.#values[code];
    if (value === undefined) throw new RangeError(`no dictionary entry ${code}`);
    return value;
  }

  /** Codes whose value satisfies `test`, as a lookup table indexed by code (1 = yes). */
  lookupTable(test: (value: V) => boolean): Uint8Array {
    const table = new Uint8Array(this.#values.length);
    this.#values.forEach((value, code) => {
      if (test(value)) table[code] = 1;
    });
    return table;
  }

  /** Rough heap bytes of the entries (keys and values), for the memory report. */
  approximateBytes(): number {
    let bytes = 0;
    for (const key of this.#codes.keys()) bytes += 64 + key.length * 2;
    return bytes;
  }
}
