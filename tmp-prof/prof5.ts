import { openDatabase } from '../src/db/database.js';
import { parseDatabaseUrl } from '../src/db/database-url.js';
import { readLeadTable } from '../src/engine/memory/lead-store-reader.js';
import { LeadDictionaries, LeadStoreBuilder, type LeadValues } from '../src/engine/memory/lead-store.js';
const h = openDatabase(parseDatabaseUrl('/work/main/data/bench/engine-100000.sqlite'), { poolSize: 2 });
for (let k = 0; k < 3; k++) {
  let t = performance.now();
  const rows: LeadValues[] = [];
  await h.readSnapshot((db) => readLeadTable(db, { onLead: (l) => rows.push(l) }));
  console.log('read+decode', performance.now() - t);
  t = performance.now();
  const b = new LeadStoreBuilder(new LeadDictionaries(), 1024);
  for (const r of rows) b.add(r);
  console.log('add', performance.now() - t);
  t = performance.now();
  b.build(null);
  console.log('build', performance.now() - t);
}
await h.close();
