import BetterSqlite3 from 'better-sqlite3';
const db = new BetterSqlite3('/work/main/data/bench/engine-100000.sqlite');
db.pragma('cache_size = -65536');
const cols = ['record_type', 'record_id', 'name', 'salesman_id', 'salesman_name', 'locale_id', 'locale_rate', 'tier', 'stage_name', 'stage_color', 'product', 'monthly_shipments', 'account_value', 'is_won', 'is_lost', 'has_shipment', 'has_recharge', 'won_at', 'closing_days', 'created_at'];
for (let k = 0; k < 3; k++) {
  let t = performance.now();
  const rows = db.prepare(`select ${cols.join(',')} from crm_analytics_leads`).raw(true).all();
  console.log('raw all', performance.now() - t, rows.length);
  t = performance.now();
  const sel = cols.map((c) => `group_concat(coalesce(${c}, ''), char(31))`).join(', ');
  const stmt = db.prepare(`select count(*), max(rowid), ${sel} from (select rowid, * from crm_analytics_leads where rowid > ? order by rowid limit 25000)`).raw(true);
  let after = 0; let total = 0;
  for (;;) {
    const row = stmt.get(after) as unknown[];
    const count = row[0] as number;
    if (count === 0) break;
    after = row[1] as number;
    total += count;
    const parts = row.slice(2).map((v) => (v as string).split('\u001f'));
    // decode ints
    const ids = parts[1]!; let s = 0; for (let i = 0; i < ids.length; i++) s += +ids[i]!;
  }
  console.log('group_concat', performance.now() - t, total);
}
