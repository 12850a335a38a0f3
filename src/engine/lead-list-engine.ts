import type { DataGeneration } from '../domain/data-generation.js';
import type { LeadListFilter, LeadListRow, LeadListSort, LeadPosition } from '../domain/lead-list.js';

/** One page of the leads behind a number (SPEC §10). */
export interface LeadListPageRequest {
  readonly filter: LeadListFilter;
  readonly sort: LeadListSort;
  readonly limit: number;
  /** The page starts after this position (a cursor's); null: from the first row. */
  readonly after: LeadPosition | null;
}

export interface LeadListPage {
  /** Every row passing the filter, not only this page's. */
  readonly total: number;
  readonly rows: readonly LeadListRow[];
  /** The position of the page's last row when more rows follow it; null on the last page. */
  readonly next: LeadPosition | null;
  /** The sync run the rows reflect; null before the first successful sync. */
  readonly generation: DataGeneration | null;
}

/**
 * Every row of a filter in its order, a batch at a time, for the CSV export: the consumer pulls
 * the next batch when it has room for it (back-pressure), and stops the work by returning early
 * (`return()`, which `for await` and a destroyed stream do).
 */
export interface LeadListExport {
  readonly generation: DataGeneration | null;
  /** Synchronous where the rows are at hand (the memory engine): the consumer takes turns between batches. */
  readonly batches: AsyncIterable<readonly LeadListRow[]> | Iterable<readonly LeadListRow[]>;
  /**
   * The same rows as CSV lines (SPEC §10) in UTF-8, a batch per buffer, when the engine writes them
   * itself faster than row objects would be formatted (the memory engine); the consumer then uses these.
   */
  readonly csvBytes?: Iterable<Uint8Array>;
}

/** The lead lists of an engine (src/engine/memory/memory-lead-list.ts, src/engine/sql/sql-lead-list.ts). */
export interface LeadListEngine {
  page(request: LeadListPageRequest, now: number): Promise<LeadListPage>;
  exportRows(filter: LeadListFilter, sort: LeadListSort, now: number): Promise<LeadListExport>;
}
