import { openDatabase } from '../src/db/database.js';
import { parseDatabaseUrl } from '../src/db/database-url.js';
import { readLeadTable } from '../src/engine/memory/lead-store-reader.js';
import { LeadDictionaries, LeadStoreBuilder } from '../src/engine/memory/lead-store.js';
const h = openDatabase(parseDatabaseUrl('/work/main/data/bench/engine-1000000.sqlite'), { poolSize: 2 });
for (let k = 0; k < 2; k++) {
  await h.readSnapshot(async (snap) => {
    let t = performance.now();
    const b = new LeadStoreBuilder(new LeadDictionaries(), 1000);
    await readLeadTable(snap, b);
    console.log('read+add', Math.round(performance.now() - t));
    t = performance.now();
    await snap.scanRowArrays!('crm_analytics_leads', ['record_id'], () => {});
    console.log('scan 1 col', Math.round(performance.now() - t));
    t = performance.now();
    b.build(null);
    console.log('build', Math.round(performance.now() - t));
  });
}
await h.close();
