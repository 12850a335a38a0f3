import BetterSqlite3 from 'better-sqlite3';
import { parseDbDateTime } from '../src/db/datetime.js';
const db = new BetterSqlite3('/work/main/data/bench/engine-1000000.sqlite');
db.pragma('cache_size = -65536');
const run = (label: string, cols: string[], f: (r: unknown[]) => void) => {
  const t = performance.now();
  const st = db.prepare(`select ${cols.join(', ')} from crm_analytics_leads where rowid >= ? and rowid < ? order by rowid`).raw(true);
  for (let from = 1; from <= 1100000; from += 25000) for (const r of st.all(from, from + 25000) as unknown[][]) f(r);
  console.log(label, Math.round(performance.now() - t));
};
let s = 0;
for (let k = 0; k < 3; k++) {
  run('id only', ['record_id'], (r) => { s += r[0] as number; });
  run('created text+parse', ['record_id', 'created_at'], (r) => { s += parseDbDateTime(r[1] as string); });
  run('created epoch sql', ['record_id', `round(unixepoch(created_at, 'subsec') * 1000)`], (r) => { s += r[1] as number; });
  run('stage text', ['record_id', 'stage_name', 'stage_color'], (r) => { s += (r[1] as string).length; });
  run('stage id', ['record_id', 'stage_id'], (r) => { s += r[1] as number; });
}
