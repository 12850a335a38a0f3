import { forEachSlice } from './cooperative-work.js';
import type { LeadStore } from './lead-store.js';

/**
 * Lead key (record type code, record_id) → row of a LeadStore: an open-addressing hash table on
 * typed arrays (a JS Map of a million entries costs ~10× the memory and time). Built once per
 * store when needed (the visit store's load and refresh), read-only afterwards.
 */
export class LeadRowIndex {
  readonly #mask: number;
  readonly #ids: Uint32Array;
  readonly #types: Uint8Array;
  /** Row + 1; 0 marks an empty slot. */
  readonly #rows: Uint32Array;

  /**
   * The index of a store's leads, filled a slice at a time (cooperative-work.ts): a million
   * inserts, each a few cache misses, take 150–250 ms — too long to hold the event loop.
   */
  static async of(store: Pick<LeadStore, 'size' | 'record_type' | 'record_id'>): Promise<LeadRowIndex> {
    const index = new LeadRowIndex(store.size);
    await forEachSlice(store.size, (from, to) => {
      for (let row = from; row < to; row++) index.#insert(store.record_type[row] as number, store.record_id[row] as number, row);
    });
    return index;
  }

  private constructor(leads: number) {
    let capacity = 16;
    while (capacity < leads * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#ids = new Uint32Array(capacity);
    this.#types = new Uint8Array(capacity);
    this.#rows = new Uint32Array(capacity);
  }

  #slotOf(type: number, id: number): number {
    return (Math.imul(id, 0x9e3779b1) ^ type) & this.#mask;
  }

  #insert(type: number, id: number, row: number): void {
    let slot = this.#slotOf(type, id);
    while (this.#rows[slot] !== 0) slot = (slot + 1) & this.#mask;
    this.#ids[slot] = id;
    this.#types[slot] = type;
    this.#rows[slot] = row + 1;
  }

  /** The row of the key; -1 when the store has no such lead. */
  rowOf(type: number, id: number): number {
    let slot = this.#slotOf(type, id);
    for (;;) {
      const row = this.#rows[slot] as number;
      if (row === 0) return -1;
      if (this.#ids[slot] === id && this.#types[slot] === type) return row - 1;
      slot = (slot + 1) & this.#mask;
    }
  }

  get byteLength(): number {
    return this.#ids.byteLength + this.#types.byteLength + this.#rows.byteLength;
  }
}
