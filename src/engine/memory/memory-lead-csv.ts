import { tierLabelOf } from '../../domain/analytics-payload.js';
import { csvTextField } from '../../domain/lead-list.js';
import { virtualStageColor } from '../../domain/virtual-stage.js';
import { CsvByteWriter } from './csv-byte-writer.js';
import type { LeadStore } from './lead-store.js';
import { LOST, RECORD_TYPE_OF_CODE, WON } from './store-columns.js';
import { textOfRow } from './utf8-column.js';

const DAY_MS = 86_400_000;
const COMMA = 44;
const utf8 = new TextEncoder();
const TRUE = utf8.encode('true');
const FALSE = utf8.encode('false');
const CRLF = utf8.encode('\r\n');
/** The most a row takes besides its name and dictionary fields (numbers, instants, commas, CRLF). */
const ROW_BYTES = 320;

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
  const { salesman, locale, tier, stage, virtualStage, product, flags, monthly_shipments, won_at, closing_days, created_at, last_activity_at } = store;
  const { bytes: names, ends: nameEnds } = store.name;
  const out = new CsvByteWriter(batchRows * 256);
  for (let start = 0; start < rows.length; start += batchRows) {
    const end = Math.min(rows.length, start + batchRows);
    for (let index = start; index < end; index++) {
      const row = rows[index] as number;
      const salesmanCode = salesman[row] as number;
      const localeCode = locale[row] as number;
      const tierCode = tier[row] as number;
      const stageCode = stage[row] as number;
      const virtualCode = virtualStage[row] as number;
      const productCode = product[row] as number;
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
      const nameStart = row === 0 ? 0 : (nameEnds[row - 1] as number);
      const nameEnd = nameEnds[row] as number;
      // A name needing quotes may double its `"` and gain 3 bytes; its text is then re-encoded (≤ 3 bytes per UTF-16 unit of ≥ 1 byte).
      out.reserve(ROW_BYTES + 3 * (nameEnd - nameStart) + 3 + salesmanBytes.length + localeBytes.length + tierBytes.length + stageBytes.length + productBytes.length);

      out.bytes(recordTypes[store.record_type[row] as number] ?? company);
      out.byte(COMMA);
      out.number(store.record_id[row] as number);
      out.byte(COMMA);
      if (needsWork(names, nameStart, nameEnd)) out.text(csvTextField(textOfRow(store.name, row), true));
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
      out.number(monthly_shipments[row] as number);
      out.byte(COMMA);
      out.money(values[row] as number);
      out.byte(COMMA);
      const flag = flags[row] as number;
      out.bytes((flag & WON) !== 0 ? TRUE : FALSE);
      out.byte(COMMA);
      out.bytes((flag & LOST) !== 0 ? TRUE : FALSE);
      out.byte(COMMA);
      const won = won_at[row] as number;
      if (!Number.isNaN(won)) out.instant(won);
      out.byte(COMMA);
      const closing = closing_days[row] as number;
      if (!Number.isNaN(closing)) out.number(closing);
      out.byte(COMMA);
      const created = created_at[row] as number;
      out.instant(created);
      out.byte(COMMA);
      const activity = last_activity_at[row] as number;
      if (!Number.isNaN(activity)) out.instant(activity);
      out.byte(COMMA);
      out.number(Math.floor((now - created) / DAY_MS));
      out.bytes(CRLF);
    }
    yield out.take();
  }
}
