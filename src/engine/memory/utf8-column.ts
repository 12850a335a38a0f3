import { resized } from './typed-arrays.js';

/** Text as one UTF-8 buffer: row i is bytes [ends[i − 1], ends[i]) of `bytes` (decoded only when shown). */
export interface Utf8Column {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

export function textOfRow(column: Utf8Column, row: number): string {
  const start = row === 0 ? 0 : (column.ends[row - 1] ?? 0);
  return utf8.decode(column.bytes.subarray(start, column.ends[row]));
}

export function utf8ColumnBytes(column: Utf8Column): number {
  return column.bytes.byteLength + column.ends.byteLength;
}

/** A Utf8Column being collected, rows in any order: each row's bytes are [starts[row], ends[row]). */
export class Utf8ColumnBuilder {
  #length = 0;
  #bytes: Uint8Array;
  #starts: Uint32Array;
  #ends: Uint32Array;

  constructor(rows: number, bytesPerRow: number) {
    this.#bytes = new Uint8Array(rows * bytesPerRow);
    this.#starts = new Uint32Array(rows);
    this.#ends = new Uint32Array(rows);
  }

  /** Room for `rows` rows in all. */
  resize(rows: number): void {
    this.#starts = resized(this.#starts, rows);
    this.#ends = resized(this.#ends, rows);
  }

  /** Room for `bytes` more bytes (at least), without growing again before then. */
  reserveBytes(bytes: number): void {
    if (this.#length + bytes <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + bytes));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }

  /** Room for `bytes` bytes in all. */
  reserveTotalBytes(bytes: number): void {
    if (this.#bytes.length < bytes) this.reserveBytes(bytes - this.#length);
  }

  append(row: number, text: string): void {
    // A UTF-16 code unit never takes more than 3 bytes of UTF-8.
    this.reserveBytes(text.length * 3);
    const bytes = this.#bytes;
    let at = this.#length;
    let ascii = true;
    // Most names are ASCII: copied by hand, without the subarray and encoder call per row.
    for (let index = 0; index < text.length; index++) {
      const unit = text.charCodeAt(index);
      if (unit >= 0x80) {
        ascii = false;
        break;
      }
      bytes[at++] = unit;
    }
    if (!ascii) at = this.#length + utf8Encoder.encodeInto(text, bytes.subarray(this.#length)).written;
    this.#starts[row] = this.#length;
    this.#length = at;
    this.#ends[row] = at;
  }

  /** Appends `rows` of `source` as rows base, base + 1, … */
  appendRows(source: Utf8Column, rows: Uint32Array, base: number): void {
    const { bytes: sourceBytes, ends: sourceEnds } = source;
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index] as number;
      const start = row === 0 ? 0 : (sourceEnds[row - 1] as number);
      const end = sourceEnds[row] as number;
      this.reserveBytes(end - start);
      const bytes = this.#bytes;
      let at = this.#length;
      // A text is a few dozen bytes: a loop beats a subarray and a set per row.
      for (let from = start; from < end; from++) bytes[at++] = sourceBytes[from] as number;
      this.#starts[base + index] = this.#length;
      this.#length = at;
      this.#ends[base + index] = at;
    }
  }

  /**
   * The first `n` rows as they were appended, as a column: only when they were appended in row
   * order (rows 0, 1, …, as a merge in store order does). The bytes are copied to their length
   * (the buffer grew by doubling); the ends are a view.
   */
  inAppendOrder(n: number): Utf8Column {
    return { bytes: this.#bytes.slice(0, this.#length), ends: this.#ends.subarray(0, n) };
  }

  /** The first `n` rows in `order`, as a column. */
  ordered(order: Uint32Array, n: number): Utf8Column {
    const bytes = new Uint8Array(this.#length);
    const ends = new Uint32Array(n);
    const source = this.#bytes;
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const from = order[i] as number;
      const end = this.#ends[from] as number;
      for (let at = this.#starts[from] as number; at < end; at++) bytes[offset++] = source[at] as number;
      ends[i] = offset;
    }
    return { bytes, ends };
  }
}
