import BetterSqlite3 from 'better-sqlite3';
const db = new BetterSqlite3('/work/main/data/bench/engine-1000000.sqlite');
db.pragma('cache_size = -65536');
const base = [`(case when record_type = 'prospect' then 4294967296 else 0 end) + record_id`,'name','salesman_id','salesman_name','locale_id','locale_rate','tier','is_won + 2*is_lost + 4*has_shipment + 8*has_recharge','stage_name','stage_color','product','monthly_shipments','round(account_value * 100)','won_at','closing_days','created_at'];
const variants: Record<string, string[]> = {
  base,
  epoch: base.map((c) => c === 'created_at' || c === 'won_at' ? `round(unixepoch(${c}, 'subsec') * 1000)` : c),
  onlyNums: base.filter((c) => !['name','salesman_name','stage_name','stage_color','product','won_at','created_at'].includes(c)),
  noStageText: base.map((c) => c === 'stage_name' || c === 'stage_color' ? 'stage_id' : c),
  noName: base.filter((c) => c !== 'name'),
};
for (let k = 0; k < 2; k++) for (const [label, cols] of Object.entries(variants)) {
  const t = performance.now();
  const st = db.prepare(`select ${cols.join(', ')} from crm_analytics_leads where rowid >= ? and rowid < ? order by rowid`).raw(true);
  let n = 0; for (let from = 1; from <= 1100000; from += 25000) n += st.all(from, from + 25000).length;
  console.log(label, Math.round(performance.now() - t), n);
}
