export type DictionaryKey = string | number | null;

/**
 * Dictionary encoding: each distinct value gets a small integer code, stored per row in a typed
 * array instead of the value itself. A value is identified by one or two primitive keys (no key
 * strings built per row: a load encodes millions). Codes only ever grow, so a store built earlier
 * keeps reading its codes correctly while a refresh adds entries for the next one.
 */
export class Dictionary<V> {
  readonly #codes = new Map<DictionaryKey, Map<DictionaryKey, number>>();
  readonly #values: V[] = [];

  /** `make` builds the value of a new key pair: a function defined once, not a closure per row. */
  constructor(private readonly make: (first: DictionaryKey, second: DictionaryKey) => V) {}

  get size(): number {
    return this.#values.length;
  }

  /** The code of (first, second), added when new. */
  encode(first: DictionaryKey, second: DictionaryKey = null): number {
    let inner = this.#codes.get(first);
    if (inner === undefined) {
      inner = new Map();
      this.#codes.set(first, inner);
    }
    let code = inner.get(second);
    if (code === undefined) {
      code = this.#values.length;
      this.#values.push(this.make(first, second));
      inner.set(second, code);
    }
    return code;
  }

  /** The code of (first, second), or -1 when no row ever had it. */
  find(first: DictionaryKey, second: DictionaryKey = null): number {
    return this.#codes.get(first)?.get(second) ?? -1;
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

  /** Rough heap bytes of the entries, for the memory report. */
  approximateBytes(): number {
    return this.#values.length * 120;
  }
}
