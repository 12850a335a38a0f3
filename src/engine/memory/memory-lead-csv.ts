import { tierLabelOf } from '../../domain/analytics-payload.js';
import { ageDaysOf } from '../../domain/lead.js';
import { csvTextField } from '../../domain/lead-list.js';
import { virtualStageColor } from '../../domain/virtual-stage.js';
import { CsvByteWriter } from './csv-byte-writer.js';
import type { LeadStore } from './lead-store.js';
import { LOST, RECORD_TYPE_OF_CODE, WON } from './store-columns.js';
import { gatherFloat64, gatherUint32, gatherUint8 } from './typed-arrays.js';
import { textOfRow } from './utf8-column.js';

const COMMA = 44;
const utf8 = new TextEncoder();
const TRUE = utf8.encode('true');
const FALSE = utf8.encode('false');
const CRLF = utf8.encode('\r\n');
/** The most a row takes besides its name and dictionary fields (numbers, instants, commas, CRLF). */
const ROW_BYTES = 320;
/** The writer's blocks: a few of the stream's chunks (lead-list-service.ts joins a chunk's batches of one block without copying). */
const BLOCK_BYTES = 4 << 20;

/** Whether a name's UTF-8 bytes need `csvTextField` (formula guard or quotes); these are ASCII bytes, never inside a multi-byte character. */
function needsWork(bytes: Uint8Array, start: number, end: number): boolean {
  if (start === end) return false;
  const first = bytes[start] as number;
  if (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13) return true; // = + - @ TAB CR
  for (let index = start; index < end; index++) {
    const byte = bytes[index] as number;
    if (byte === 34 || byte === 44 || byte === 13 || byte === 10) return true; // " , CR LF
  }
  return false;
}

/**
 * The CSV lines of rows of a store (SPEC §10) as UTF-8, a batch of rows per buffer, written
 * straight from the columns into bytes (CsvByteWriter): a million rows would otherwise make a
 * dozen strings each, then be encoded to UTF-8 by the socket. The fields of a dictionary code
 * (salesman, locale, tier, stage and its color, product) are formatted once per code, by the
 * domain's rules (`tierLabelOf`, `virtualStageColor`, `csvTextField`), and kept as bytes; a name is
 * copied from the store's UTF-8 column unless it needs the formula guard or quotes. The rest is
 * written per row as `leadListRowOf` + `csvLineOf` would. test/lead-list.test.ts checks that
 * this text equals the SQL engine's, byte for byte; bench/lead-csv-format.ts, on every bench row.
 */
export function* csvByteBatches(store: LeadStore, rows: Uint32Array, values: Float64Array, now: number, batchRows: number): Generator<Uint8Array> {
  const d = store.dictionaries;
  const virtualStages = d.virtualStage.size + 1;
  // Each dictionary field's bytes by code, made on first use ("," included between its two fields).
  const salesmen: (Uint8Array | undefined)[] = [];
  const locales: (Uint8Array | undefined)[] = [];
  const tiers: (Uint8Array | undefined)[] = [];
  const stages: (Uint8Array | undefined)[] = [];
  const products: (Uint8Array | undefined)[] = [];
  const recordTypes = RECORD_TYPE_OF_CODE.map((type) => utf8.encode(type));
  const company = utf8.encode('company');
  const { bytes: names, ends: nameEnds } = store.name;
  // A batch's fields are first gathered column by column into these: in `-value_usd` order the
  // rows are all over the store, and a loop of independent loads lets the processor wait for many
  // cache misses at once, where the row loop below would wait for each (3× slower when measured).
  const recordType = new Uint8Array(batchRows);
  const recordId = new Uint32Array(batchRows);
  const salesman = new Uint32Array(batchRows);
  const locale = new Uint32Array(batchRows);
  const tier = new Uint32Array(batchRows);
  const stage = new Uint32Array(batchRows);
  const virtualStage = new Uint32Array(batchRows);
  const product = new Uint32Array(batchRows);
  const flags = new Uint8Array(batchRows);
  const shipments = new Float64Array(batchRows);
  const value = new Float64Array(batchRows);
  const wonAt = new Float64Array(batchRows);
  const closingDays = new Float64Array(batchRows);
  const createdAt = new Float64Array(batchRows);
  const lastActivityAt = new Float64Array(batchRows);
  const nameStarts = new Uint32Array(batchRows);
  const nameStops = new Uint32Array(batchRows);
  const out = new CsvByteWriter(BLOCK_BYTES);
  for (let start = 0; start < rows.length; start += batchRows) {
    const count = Math.min(rows.length, start + batchRows) - start;
    const batch = rows.subarray(start, start + count);
    gatherUint8(recordType, 0, store.record_type, batch, count);
    gatherUint32(recordId, 0, store.record_id, batch, count);
    gatherUint32(salesman, 0, store.salesman, batch, count);
    gatherUint32(locale, 0, store.locale, batch, count);
    gatherUint32(tier, 0, store.tier, batch, count);
    gatherUint32(stage, 0, store.stage, batch, count);
    gatherUint32(virtualStage, 0, store.virtualStage, batch, count);
    gatherUint32(product, 0, store.product, batch, count);
    gatherUint8(flags, 0, store.flags, batch, count);
    gatherFloat64(shipments, 0, store.monthly_shipments, batch, count);
    gatherFloat64(value, 0, values, batch, count);
    gatherFloat64(wonAt, 0, store.won_at, batch, count);
    gatherFloat64(closingDays, 0, store.closing_days, batch, count);
    gatherFloat64(createdAt, 0, store.created_at, batch, count);
    gatherFloat64(lastActivityAt, 0, store.last_activity_at, batch, count);
    for (let i = 0; i < count; i++) {
      const row = batch[i] as number;
      nameStarts[i] = row === 0 ? 0 : (nameEnds[row - 1] as number);
      nameStops[i] = nameEnds[row] as number;
    }
    for (let i = 0; i < count; i++) {
      const salesmanCode = salesman[i] as number;
      const localeCode = locale[i] as number;
      const tierCode = tier[i] as number;
      const stageCode = stage[i] as number;
      const virtualCode = virtualStage[i] as number;
      const productCode = product[i] as number;
      const stageKey = stageCode * virtualStages + virtualCode;
      const salesmanBytes = (salesmen[salesmanCode] ??= (() => {
        const entry = d.salesman.valueOf(salesmanCode);
        return utf8.encode(`${entry.salesman_id ?? ''},${csvTextField(entry.salesman_name, true)}`);
      })());
      const localeBytes = (locales[localeCode] ??= utf8.encode(String(d.locale.valueOf(localeCode).locale_id)));
      const tierBytes = (tiers[tierCode] ??= utf8.encode(tierLabelOf(d.tier.valueOf(tierCode).tier)));
      const stageBytes = (stages[stageKey] ??= (() => {
        const name = d.virtualStage.valueOf(virtualCode);
        return utf8.encode(`${csvTextField(name, true)},${csvTextField(virtualStageColor(name, d.stage.valueOf(stageCode).stage_color), false)}`);
      })());
      const productBytes = (products[productCode] ??= utf8.encode(csvTextField(d.product.valueOf(productCode).product, true)));
      const nameStart = nameStarts[i] as number;
      const nameEnd = nameStops[i] as number;
      // A name needing quotes may double its `"` and gain 3 bytes; its text is then re-encoded (≤ 3 bytes per UTF-16 unit of ≥ 1 byte).
      out.reserve(ROW_BYTES + 3 * (nameEnd - nameStart) + 3 + salesmanBytes.length + localeBytes.length + tierBytes.length + stageBytes.length + productBytes.length);

      out.bytes(recordTypes[recordType[i] as number] ?? company);
      out.byte(COMMA);
      out.number(recordId[i] as number);
      out.byte(COMMA);
      if (needsWork(names, nameStart, nameEnd)) out.text(csvTextField(textOfRow(store.name, batch[i] as number), true));
      else out.bytes(names, nameStart, nameEnd);
      out.byte(COMMA);
      out.bytes(salesmanBytes);
      out.byte(COMMA);
      out.bytes(localeBytes);
      out.byte(COMMA);
      out.bytes(tierBytes);
      out.byte(COMMA);
      out.bytes(stageBytes);
      out.byte(COMMA);
      out.bytes(productBytes);
      out.byte(COMMA);
      out.number(shipments[i] as number);
      out.byte(COMMA);
      out.money(value[i] as number);
      out.byte(COMMA);
      const flag = flags[i] as number;
      out.bytes((flag & WON) !== 0 ? TRUE : FALSE);
      out.byte(COMMA);
      out.bytes((flag & LOST) !== 0 ? TRUE : FALSE);
      out.byte(COMMA);
      const won = wonAt[i] as number;
      if (!Number.isNaN(won)) out.instant(won);
      out.byte(COMMA);
      const closing = closingDays[i] as number;
      if (!Number.isNaN(closing)) out.number(closing);
      out.byte(COMMA);
      const created = createdAt[i] as number;
      out.instant(created);
      out.byte(COMMA);
      const activity = lastActivityAt[i] as number;
      if (!Number.isNaN(activity)) out.instant(activity);
      out.byte(COMMA);
      out.number(ageDaysOf(created, now));
      out.bytes(CRLF);
    }
    yield out.take();
  }
}
