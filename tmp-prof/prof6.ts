import BetterSqlite3 from 'better-sqlite3';
const db = new BetterSqlite3('/work/main/data/bench/engine-100000.sqlite');
db.pragma('cache_size = -65536');
for (let k = 0; k < 3; k++) {
  let t = performance.now();
  const a = db.prepare(`select record_id from crm_analytics_leads`).pluck().all();
  console.log('pluck int', performance.now() - t);
  t = performance.now();
  const b = db.prepare(`select name from crm_analytics_leads`).pluck().all();
  console.log('pluck name', performance.now() - t);
  t = performance.now();
  const c = db.prepare(`select stage_name from crm_analytics_leads`).pluck().all();
  console.log('pluck stage_name', performance.now() - t);
  t = performance.now();
  const d = db.prepare(`select created_at from crm_analytics_leads`).pluck().all();
  console.log('pluck created_at', performance.now() - t);
  t = performance.now();
  const e = db.prepare(`select is_won + 2*is_lost + 4*has_shipment + 8*has_recharge + 16*coalesce(tier+1,0) from crm_analytics_leads`).pluck().all();
  console.log('pluck packed', performance.now() - t);
  t = performance.now();
  const f = db.prepare(`select record_id, name, stage_name, created_at from crm_analytics_leads`).raw().all();
  console.log('raw 4 cols', performance.now() - t);
}
