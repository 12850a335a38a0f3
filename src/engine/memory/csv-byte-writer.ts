import { isoOf } from '../../domain/lead-list.js';
import { roundHalfAwayFromZero } from '../../domain/rounding.js';

const DAY_MS = 86_400_000;
const ZERO = 48;
/** Days whose date part is kept (a power of two). */
const DATE_SLOTS = 4096;
const utf8 = new TextEncoder();

/**
 * UTF-8 text written byte by byte into one growing buffer, for the memory engine's CSV export
 * (memory-lead-csv.ts): numbers, instants and rounded money are written as digits straight into
 * the buffer, and text the store already holds as UTF-8 is copied as bytes, so a million rows make
 * no string each (template strings of a row were ropes, flattened and encoded to UTF-8 again later:
 * most of an export's time). Every method writes what `String(…)`, `isoOf` or the text would give.
 */
export class CsvByteWriter {
  /** The block being written; the bytes before #taken were handed out by `take` and are never written again. */
  #bytes: Uint8Array;
  #at = 0;
  #taken = 0;
  readonly #blockBytes: number;
  /**
   * The date part of instants' days, by day modulo DATE_SLOTS: a row's three instants are mostly a
   * few days apart, and rows come in created_at order, so the days at hand stay in their slots.
   */
  readonly #slotDays = new Float64Array(DATE_SLOTS).fill(Number.NaN);
  readonly #slotDates: Uint8Array[] = [];

  /**
   * Output goes into blocks of `blockBytes`, each handed out in pieces (`take`), never reused: a
   * copy per piece, or a small buffer per piece, would be that much more memory outside V8's heap
   * to allocate, which V8 answers with full garbage collections (one every ~0.2 s when measured).
   */
  constructor(blockBytes: number) {
    this.#blockBytes = blockBytes;
    this.#bytes = new Uint8Array(blockBytes);
  }

  /** Room for `bytes` more bytes: call before writing at most that many. */
  reserve(bytes: number): void {
    if (this.#at + bytes <= this.#bytes.length) return;
    // A new block, with what was written since the last take moved to its start.
    const pending = this.#bytes.subarray(this.#taken, this.#at);
    const block = new Uint8Array(Math.max(this.#blockBytes, pending.length + bytes));
    block.set(pending);
    this.#bytes = block;
    this.#taken = 0;
    this.#at = pending.length;
  }

  /** What was written since the last take, as a view of the block (contiguous with the last take's when in the same block). */
  take(): Uint8Array {
    const written = this.#bytes.subarray(this.#taken, this.#at);
    this.#taken = this.#at;
    return written;
  }

  byte(value: number): void {
    this.#bytes[this.#at++] = value;
  }

  bytes(source: Uint8Array, start = 0, end = source.length): void {
    const bytes = this.#bytes;
    let at = this.#at;
    // Short runs (most fields) copy faster by hand than through set(subarray(…)).
    if (end - start < 32) for (let index = start; index < end; index++) bytes[at++] = source[index] as number;
    else {
      bytes.set(source.subarray(start, end), at);
      at += end - start;
    }
    this.#at = at;
  }

  /** Text of any kind (rare paths: the reserve must allow 3 bytes per UTF-16 unit). */
  text(value: string): void {
    this.#at += utf8.encodeInto(value, this.#bytes.subarray(this.#at)).written;
  }

  /** `String(value)`: by hand for integers below 10^15, where dividing by 10 stays exact. */
  number(value: number): void {
    if (Number.isInteger(value) && value > -1e15 && value < 1e15) {
      if (value < 0) {
        this.byte(45);
        this.#digits(-value);
      } else this.#digits(value);
    } else this.text(String(value));
  }

  /**
   * `String(roundHalfAwayFromZero(value, 2))` (SPEC §5). The rule reads |value| × 100 to 15
   * significant digits first, which only matters near a half cent: elsewhere the cents are
   * |value| × 100 rounded half up directly (toPrecision(15) moves it by at most 5·10⁻¹⁵ of itself,
   * less than the margin asked for). Below 10¹³ cents a double holds every 2-decimal number apart
   * from its neighbours, so `String` of cents / 100 is those digits without trailing zeros.
   */
  money(value: number): void {
    const scaled = Math.abs(value) * 100;
    const whole = Math.floor(scaled);
    const fraction = scaled - whole;
    if (!(scaled < 1e13) || Math.abs(fraction - 0.5) <= scaled * 1e-14 + 1e-9) {
      this.text(String(roundHalfAwayFromZero(value, 2)));
      return;
    }
    const cents = fraction < 0.5 ? whole : whole + 1;
    if (value < 0 && cents !== 0) this.byte(45);
    const units = Math.floor(cents / 100);
    const hundredths = cents - units * 100;
    this.#digits(units);
    if (hundredths === 0) return;
    this.byte(46);
    const tenths = Math.floor(hundredths / 10);
    this.byte(ZERO + tenths);
    if (hundredths !== tenths * 10) this.byte(ZERO + hundredths - tenths * 10);
  }

  /** `isoOf(epochMs)`: the date part once per day, the time by hand. */
  instant(epochMs: number): void {
    if (!Number.isInteger(epochMs)) {
      this.text(isoOf(epochMs));
      return;
    }
    const day = Math.floor(epochMs / DAY_MS);
    const slot = day & (DATE_SLOTS - 1);
    let date = this.#slotDates[slot];
    if (date === undefined || this.#slotDays[slot] !== day) {
      date = utf8.encode(isoOf(day * DAY_MS).slice(0, -14));
      this.#slotDates[slot] = date;
      this.#slotDays[slot] = day;
    }
    this.bytes(date);
    const inDay = epochMs - day * DAY_MS;
    const seconds = Math.floor(inDay / 1000);
    const minutes = Math.floor(seconds / 60);
    const hours = Math.floor(minutes / 60);
    this.byte(84); // T
    this.#two(hours);
    this.byte(58);
    this.#two(minutes - hours * 60);
    this.byte(58);
    this.#two(seconds - minutes * 60);
    this.byte(46);
    const millis = inDay - seconds * 1000;
    const hundreds = Math.floor(millis / 100);
    const tens = Math.floor(millis / 10) - hundreds * 10;
    this.byte(ZERO + hundreds);
    this.byte(ZERO + tens);
    this.byte(ZERO + millis - hundreds * 100 - tens * 10);
    this.byte(90); // Z
  }

  #two(value: number): void {
    const tens = Math.floor(value / 10);
    this.byte(ZERO + tens);
    this.byte(ZERO + value - tens * 10);
  }

  /** The decimal digits of a whole number 0 ≤ value < 10^15. */
  #digits(value: number): void {
    let length = 1;
    for (let power = 10; power <= value; power *= 10) length++;
    const bytes = this.#bytes;
    const end = this.#at + length;
    let at = end;
    while (value >= 10) {
      const rest = Math.floor(value / 10);
      bytes[--at] = ZERO + value - rest * 10;
      value = rest;
    }
    bytes[--at] = ZERO + value;
    this.#at = end;
  }
}
