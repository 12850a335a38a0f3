import BetterSqlite3 from 'better-sqlite3';
const db = new BetterSqlite3('/work/main/data/bench/engine-100000.sqlite');
db.pragma('cache_size = -65536');
for (let k = 0; k < 3; k++) {
  let t = performance.now();
  const stmt = db.prepare(`select count(*), max(rowid), group_concat(record_id), group_concat(cast(strftime('%s', created_at) as integer)), group_concat(name, char(31)) from (select rowid, * from crm_analytics_leads where rowid > ? order by rowid limit 50000)`).raw(true);
  let after = 0; let total = 0; let sum = 0;
  for (;;) {
    const row = stmt.get(after) as unknown[];
    const count = row[0] as number;
    if (count === 0) break;
    after = row[1] as number;
    total += count;
    const text = row[2] as string;
    let v = 0;
    for (let i = 0; i < text.length; i++) { const c = text.charCodeAt(i); if (c === 44) { sum += v; v = 0; } else v = v * 10 + c - 48; }
    const names = Buffer.from(row[4] as string);
  }
  console.log('3 cols group_concat + parse', performance.now() - t, total, sum);
  t = performance.now();
  let c = 0; for (const r of db.prepare(`select record_id, created_at, name from crm_analytics_leads`).raw(true).iterate()) c++;
  console.log('3 cols iterate', performance.now() - t);
}
