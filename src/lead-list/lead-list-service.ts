import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { payloadMetaOf, type PayloadMeta } from '../domain/analytics-payload.js';
import { planAnalytics } from '../domain/analytics-plan.js';
import { CSV_HEADER_LINE, csvFileNameOf, csvLineOf, type LeadListFilter, type LeadListQuery, type LeadListRow, type LeadPosition } from '../domain/lead-list.js';
import type { LeadListEngine } from '../engine/lead-list-engine.js';
import type { LeadCursorCodec } from './lead-cursor-codec.js';

/** Formatting time, and text length, of one chunk of a CSV export before a turn of the event loop. */
const CHUNK_MS = 8;
const CHUNK_CHARS = 1 << 20;

/** The header and the engine's UTF-8 batches as chunks of CHUNK_MS of formatting (or CHUNK_CHARS bytes), a turn of the event loop after each. */
async function* byteChunks(batches: Iterable<Uint8Array>): AsyncGenerator<Buffer> {
  let parts: Uint8Array[] = [Buffer.from(CSV_HEADER_LINE)];
  let bytes = parts[0]?.length ?? 0;
  let sliceStarted = performance.now();
  for (const batch of batches) {
    parts.push(batch);
    bytes += batch.length;
    if (performance.now() - sliceStarted >= CHUNK_MS || bytes >= CHUNK_CHARS) {
      yield joined(parts, bytes);
      parts = [];
      bytes = 0;
      await nextTurn();
      sliceStarted = performance.now();
    }
  }
  if (bytes > 0) yield joined(parts, bytes);
}

/** The parts as one Buffer: a view when they follow each other in one ArrayBuffer (the memory engine's batches mostly do), else a copy. */
function joined(parts: readonly Uint8Array[], bytes: number): Buffer {
  const first = parts[0];
  if (first === undefined) return Buffer.alloc(0);
  let end = first.byteOffset;
  for (const part of parts) {
    if (part.buffer !== first.buffer || part.byteOffset !== end) return Buffer.concat(parts, bytes);
    end += part.byteLength;
  }
  return Buffer.from(first.buffer, first.byteOffset, bytes);
}

/** The JSON answer of `GET /prospects/client-analytics/leads` (SPEC §10). */
export interface LeadListBody {
  readonly total: number;
  readonly leads: readonly LeadListRow[];
  readonly next_cursor: string | null;
  readonly meta: PayloadMeta;
}

export interface LeadListCsv {
  readonly fileName: string;
  /** The file, produced as the socket takes it; destroying it stops the work. */
  readonly stream: Readable;
}

/** A cursor that this service did not issue, or issued for another sort: the caller answers 422. */
export class InvalidCursorError extends Error {
  constructor() {
    super('"cursor" is not a cursor of this endpoint for this sort');
    this.name = 'InvalidCursorError';
  }
}

export interface LeadListService {
  page(query: LeadListQuery): Promise<LeadListBody>;
  csv(query: LeadListQuery): Promise<LeadListCsv>;
}

export interface LeadListServiceDependencies {
  readonly engine: LeadListEngine;
  readonly cursors: LeadCursorCodec;
  readonly clock: () => number;
  /** CRM_TIMEZONE: the date range is read in it. */
  readonly timeZone: string;
}

/**
 * The leads behind a number: the request's filters as the analytics payload reads them
 * (`planAnalytics(…).current`, so `total` is `kpis.total_leads`), an optional outcome bucket, a
 * page from the engine with a signed cursor, or every row as a streamed CSV file.
 */
export function createLeadListService(deps: LeadListServiceDependencies): LeadListService {
  const { engine, cursors, clock, timeZone } = deps;

  const filterOf = (query: LeadListQuery): LeadListFilter => ({
    leads: planAnalytics(query.filters, timeZone).current,
    outcome: query.outcome,
  });

  function positionOf(query: LeadListQuery): LeadPosition | null {
    if (query.cursor === null) return null;
    const payload = cursors.decode(query.cursor);
    if (payload === null || payload.sort !== query.sort) throw new InvalidCursorError();
    return payload.after;
  }

  return {
    async page(query) {
      const after = positionOf(query);
      const now = clock();
      const page = await engine.page({ filter: filterOf(query), sort: query.sort, limit: query.limit, after }, now);
      return {
        total: page.total,
        leads: page.rows,
        next_cursor: page.next === null ? null : cursors.encode({ sort: query.sort, after: page.next }),
        meta: payloadMetaOf('live', now, page.generation),
      };
    },

    async csv(query) {
      const exported = await engine.exportRows(filterOf(query), query.sort, clock());
      const batches = exported.batches;
      const csvBytes = exported.csvBytes;
      // The engine's own CSV bytes when it has them, else its rows formatted here.
      async function* lines(): AsyncGenerator<string | Buffer> {
        if (csvBytes !== undefined) {
          yield* byteChunks(csvBytes);
          return;
        }
        let text = CSV_HEADER_LINE;
        let sliceStarted = performance.now();
        for await (const batch of batches) {
          for (const row of batch) text += csvLineOf(row);
          // A chunk is what CHUNK_MS of formatting makes (or CHUNK_CHARS): then it goes to the
          // socket and the event loop takes a turn, so other requests are served during an export.
          if (performance.now() - sliceStarted >= CHUNK_MS || text.length >= CHUNK_CHARS) {
            yield text;
            text = '';
            await nextTurn();
            sliceStarted = performance.now();
          }
        }
        if (text !== '') yield text;
      }
      // Readable.from pulls the next batch only when the socket has taken the last one, and on
      // destroy (the client went away) returns the generator, which returns the engine's.
      return { fileName: csvFileNameOf(query.filters.dateRange), stream: Readable.from(lines(), { objectMode: false, highWaterMark: 64 * 1024 }) };
    },
  };
}
