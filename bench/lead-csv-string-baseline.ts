// The memory engine's CSV writer before it wrote bytes (commit 2697d6a), kept as bench/lead-csv-format.ts's baseline.
import { tierLabelOf } from '../src/domain/analytics-payload.js';
import { CSV_LINE_END, csvTextField, isoOf } from '../src/domain/lead-list.js';
import { roundHalfAwayFromZero } from '../src/domain/rounding.js';
import { virtualStageColor } from '../src/domain/virtual-stage.js';
import type { LeadStore } from '../src/engine/memory/lead-store.js';
import { LOST, RECORD_TYPE_OF_CODE, WON } from '../src/engine/memory/store-columns.js';
import { textOfRow } from '../src/engine/memory/utf8-column.js';

const DAY_MS = 86_400_000;

/**
 * The CSV lines of rows of a store (SPEC §10), a batch of rows per string, written straight from
 * the columns: a million rows would otherwise make two objects and a dozen strings each, mostly
 * work for the garbage collector. The fields of a dictionary code (salesman, locale, tier, stage
 * and its color, product) are formatted once per code, by the domain's rules (`tierLabelOf`,
 * `virtualStageColor`, `csvTextField`); the rest per row, as `leadListRowOf` + `csvLineOf` do.
 * test/lead-list.test.ts checks that this text equals the SQL engine's, byte for byte.
 */
export function* csvTextBatches(store: LeadStore, rows: Uint32Array, values: Float64Array, now: number, batchRows: number): Generator<string> {
  const d = store.dictionaries;
  const once = <K>(cache: Map<K, string>, key: K, make: () => string): string => {
    let text = cache.get(key);
    if (text === undefined) {
      text = make();
      cache.set(key, text);
    }
    return text;
  };
  const salesmen = new Map<number, string>();
  const locales = new Map<number, string>();
  const tiers = new Map<number, string>();
  const stages = new Map<number, string>();
  const products = new Map<number, string>();
  const virtualStages = d.virtualStage.size + 1;
  const { salesman, locale, tier, stage, virtualStage, product, flags, monthly_shipments, won_at, closing_days, created_at, last_activity_at } = store;
  const instant = (value: number) => (Number.isNaN(value) ? '' : isoOf(value));
  for (let start = 0; start < rows.length; start += batchRows) {
    const end = Math.min(rows.length, start + batchRows);
    let text = '';
    for (let index = start; index < end; index++) {
      const row = rows[index] as number;
      const salesmanCode = salesman[row] as number;
      const localeCode = locale[row] as number;
      const tierCode = tier[row] as number;
      const stageCode = stage[row] as number;
      const virtualCode = virtualStage[row] as number;
      const productCode = product[row] as number;
      const flag = flags[row] as number;
      const closing = closing_days[row] as number;
      const created = created_at[row] as number;
      text +=
        `${RECORD_TYPE_OF_CODE[store.record_type[row] as number] ?? 'company'},${store.record_id[row] as number},${csvTextField(textOfRow(store.name, row), true)},` +
        once(salesmen, salesmanCode, () => {
          const entry = d.salesman.valueOf(salesmanCode);
          return `${entry.salesman_id ?? ''},${csvTextField(entry.salesman_name, true)}`;
        }) +
        `,${once(locales, localeCode, () => String(d.locale.valueOf(localeCode).locale_id))},` +
        `${once(tiers, tierCode, () => tierLabelOf(d.tier.valueOf(tierCode).tier))},` +
        once(stages, stageCode * virtualStages + virtualCode, () => {
          const name = d.virtualStage.valueOf(virtualCode);
          return `${csvTextField(name, true)},${csvTextField(virtualStageColor(name, d.stage.valueOf(stageCode).stage_color), false)}`;
        }) +
        `,${once(products, productCode, () => csvTextField(d.product.valueOf(productCode).product, true))},` +
        `${monthly_shipments[row] as number},${roundHalfAwayFromZero(values[row] as number, 2)},${(flag & WON) !== 0},${(flag & LOST) !== 0},` +
        `${instant(won_at[row] as number)},${Number.isNaN(closing) ? '' : closing},${isoOf(created)},${instant(last_activity_at[row] as number)},` +
        `${Math.floor((now - created) / DAY_MS)}${CSV_LINE_END}`;
    }
    yield text;
  }
}
