import type { LeadStoreBuilder } from './lead-store-builder.js';
import type { LeadStore } from './lead-store.js';

/** Rows between two looks at the clock. */
const ROWS_PER_CHECK = 4_096;

/**
 * A refresh's new store, copied into `builder` in store order: the rows of `old` that were not
 * `replaced` (record ids per record-type code), with the rows of `changed` slotted in where they
 * belong. Both stores are in store order and no kept row shares a changed row's key, so the result
 * is in store order and its build needs no sort. Copied in runs (a run of kept rows, then the
 * changed rows before the next kept one), a slice of time at a time.
 */
export class StoreMerge {
  #oldRow = 0;
  #changedRow = 0;
  readonly #run: Uint32Array;

  constructor(
    private readonly builder: LeadStoreBuilder,
    private readonly old: LeadStore,
    private readonly changed: LeadStore,
    private readonly replaced: readonly ReadonlySet<number>[],
  ) {
    this.#run = new Uint32Array(ROWS_PER_CHECK);
  }

  get done(): boolean {
    return this.#oldRow >= this.old.size && this.#changedRow >= this.changed.size;
  }

  /** Copies for about `ms` milliseconds, or to the end. */
  copyFor(ms: number): void {
    const until = performance.now() + ms;
    do this.#copyRows(ROWS_PER_CHECK);
    while (!this.done && performance.now() < until);
  }

  /** Looks at up to `count` rows of the old store (all the changed rows once it is through). */
  #copyRows(count: number): void {
    const { old, changed, replaced, builder } = this;
    const run = this.#run;
    const end = Math.min(old.size, this.#oldRow + count);
    let kept = 0;
    for (let row = this.#oldRow; row < end; row++) {
      if (replaced[old.record_type[row] as number]?.has(old.record_id[row] as number) === true) continue;
      const before = this.#changedBefore(row);
      if (before > this.#changedRow) {
        builder.copyRows(old, run.subarray(0, kept));
        kept = 0;
        builder.copyRows(changed, rowRange(this.#changedRow, before));
        this.#changedRow = before;
      }
      run[kept++] = row;
    }
    builder.copyRows(old, run.subarray(0, kept));
    this.#oldRow = end;
    if (end >= old.size && this.#changedRow < changed.size) {
      builder.copyRows(changed, rowRange(this.#changedRow, changed.size));
      this.#changedRow = changed.size;
    }
  }

  /** The first changed row at or after #changedRow that sorts after old row `row`. */
  #changedBefore(row: number): number {
    const { old, changed } = this;
    let at = this.#changedRow;
    while (
      at < changed.size &&
      ((changed.created_at[at] as number) - (old.created_at[row] as number) ||
        (changed.record_type[at] as number) - (old.record_type[row] as number) ||
        (changed.record_id[at] as number) - (old.record_id[row] as number)) < 0
    ) {
      at++;
    }
    return at;
  }
}

function rowRange(from: number, to: number): Uint32Array {
  const rows = new Uint32Array(to - from);
  for (let i = 0; i < rows.length; i++) rows[i] = from + i;
  return rows;
}
