import { openDatabase } from '../src/db/database.js';
import { parseDatabaseUrl } from '../src/db/database-url.js';
import { readLeadTable } from '../src/engine/memory/lead-store-reader.js';
import { LeadDictionaries, LeadStoreBuilder } from '../src/engine/memory/lead-store.js';
const h = openDatabase(parseDatabaseUrl('/work/main/data/bench/engine-100000.sqlite'), { poolSize: 2 });
for (let k = 0; k < 3; k++) {
  await h.readSnapshot(async (snap) => {
    let t = performance.now();
    await snap.scanColumns!('crm_analytics_leads', ['name','salesman_name','stage_name','stage_color','product','won_at','created_at'], () => {});
    console.log('scan 7 text', performance.now() - t);
    t = performance.now();
    await snap.scanColumns!('crm_analytics_leads', ['record_id','salesman_id','locale_id','locale_rate','tier','is_won','monthly_shipments','round(account_value*100)','closing_days'], () => {});
    console.log('scan 9 num', performance.now() - t);
    t = performance.now();
    const b = new LeadStoreBuilder(new LeadDictionaries(), 100000);
    await readLeadTable(snap, b);
    console.log('read+add', performance.now() - t);
    t = performance.now();
    b.build(null);
    console.log('build', performance.now() - t);
  });
}
await h.close();
