import BetterSqlite3 from 'better-sqlite3';
const db = new BetterSqlite3('/work/main/data/bench/engine-100000.sqlite');
db.pragma('cache_size = -65536');
const cols = 'record_type, record_id, name, salesman_id, salesman_name, locale_id, locale_rate, tier, stage_name, stage_color, product, monthly_shipments, account_value, is_won, is_lost, has_shipment, has_recharge, won_at, closing_days, created_at';
for (let k = 0; k < 3; k++) {
let t = performance.now();
let c = 0; for (const r of db.prepare(`select ${cols} from crm_analytics_leads`).raw(true).iterate()) c++;
console.log('raw iterate', performance.now() - t);
t = performance.now();
c = 0; for (const r of db.prepare(`select ${cols} from crm_analytics_leads`).iterate()) c++;
console.log('obj iterate', performance.now() - t);
t = performance.now();
c = 0; for (const r of db.prepare(`select record_id, locale_id, tier, monthly_shipments, is_won from crm_analytics_leads`).raw(true).iterate()) c++;
console.log('raw 5 int cols', performance.now() - t);
t = performance.now();
c = 0; for (const r of db.prepare(`select name, salesman_name, stage_name, stage_color, product, won_at, created_at from crm_analytics_leads`).raw(true).iterate()) c++;
console.log('raw 7 text cols', performance.now() - t);
}
