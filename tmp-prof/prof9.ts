import BetterSqlite3 from 'better-sqlite3';
const db = new BetterSqlite3('/work/main/data/bench/engine-100000.sqlite');
db.pragma('cache_size = -65536');
console.log(db.prepare('select sqlite_version() v').get());
const cols16 = [`(case when record_type = 'prospect' then 4294967296 else 0 end) + record_id`,'name','salesman_id','salesman_name','locale_id','locale_rate','tier','is_won + 2*is_lost + 4*has_shipment + 8*has_recharge','stage_name','stage_color','product','monthly_shipments','round(account_value * 100)','won_at','closing_days','created_at'];
const cols12 = [`(case when record_type = 'prospect' then 4294967296 else 0 end) + record_id`,'name','salesman_id','salesman_name',`locale_id * 1048576 + coalesce(tier + 1, 0) * 16 + is_won + 2*is_lost + 4*has_shipment + 8*has_recharge`,'locale_rate','stage_name','stage_color','product','monthly_shipments','round(account_value * 100)',`cast(round(unixepoch(won_at, 'subsec') * 1000) as integer)`,'closing_days',`cast(round(unixepoch(created_at, 'subsec') * 1000) as integer)`];
for (let k = 0; k < 3; k++) {
  for (const [label, cols] of [['16', cols16], ['12', cols12]] as const) {
    let t = performance.now();
    const st = db.prepare(`select ${cols.join(', ')} from crm_analytics_leads where rowid >= ? and rowid < ? order by rowid`).raw(true);
    let n = 0; for (let from = 1; from <= 110000; from += 25000) n += st.all(from, from + 25000).length;
    console.log('raw all single walk', label, performance.now() - t, n);
    t = performance.now();
    for (let from = 1; from <= 110000; from += 25000) for (const c of cols) db.prepare(`select ${c} from crm_analytics_leads where rowid >= ? and rowid < ? order by rowid`).pluck().all(from, from + 25000);
    console.log('plucks', label, performance.now() - t);
  }
}
