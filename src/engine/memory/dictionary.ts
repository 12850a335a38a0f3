export type DictionaryKey = string | number | null;

/**
 * Dictionary encoding: each distinct value gets a small integer code, stored per row in a typed
 * array instead of the value itself. A value is identified by one or two primitive keys (no key
 * strings built per row: a load encodes millions). Codes only ever grow, so a store built earlier
 * keeps reading its codes correctly while a refresh adds entries for the next one.
 */
/**
 * The codes under one first key: nearly always a single second key (a salesman id has one name, a
 * locale one rate), compared directly; a map only when there are more.
 */
interface CodesOfFirstKey {
  readonly second: DictionaryKey;
  readonly code: number;
  more: Map<DictionaryKey, number> | null;
}

export class Dictionary<V> {
  readonly #codes = new Map<DictionaryKey, CodesOfFirstKey>();
  readonly #values: V[] = [];

  /** `make` builds the value of a new key pair: a function defined once, not a closure per row. */
  constructor(private readonly make: (first: DictionaryKey, second: DictionaryKey) => V) {}

  get size(): number {
    return this.#values.length;
  }

  /** The code of (first, second), added when new. */
  encode(first: DictionaryKey, second: DictionaryKey = null): number {
    const codes = this.#codes.get(first);
    if (codes !== undefined && codes.second === second) return codes.code;
    const code = codes?.more?.get(second);
    if (code !== undefined) return code;
    const added = this.#values.length;
    this.#values.push(this.make(first, second));
    if (codes === undefined) this.#codes.set(first, { second, code: added, more: null });
    else (codes.more ??= new Map()).set(second, added);
    return added;
  }

  /** The code of (first, second), or -1 when no row ever had it. */
  find(first: DictionaryKey, second: DictionaryKey = null): number {
    const codes = this.#codes.get(first);
    if (codes === undefined) return -1;
    return codes.second === second ? codes.code : (codes.more?.get(second) ?? -1);
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
