const fs = require('fs');
const dir = '/tmp/cpuprof'; const files = fs.readdirSync(dir).map(f => [f, fs.statSync(dir + '/' + f).size]).sort((a, b) => b[1] - a[1]);
const p = JSON.parse(fs.readFileSync(dir + '/' + files[0][0]));
const byId = new Map(p.nodes.map(n => [n.id, n]));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const counts = new Map(); for (const s of p.samples) counts.set(s, (counts.get(s) || 0) + 1);
const total = p.samples.length;
const self = new Map(); const incl = new Map();
const key = (n) => n.callFrame.functionName + ' ' + n.callFrame.url.split('/').slice(-2).join('/') + ':' + n.callFrame.lineNumber;
for (const [id, c] of counts) {
  const n = byId.get(id); self.set(key(n), (self.get(key(n)) || 0) + c);
  const seen = new Set(); let cur = id;
  while (cur !== undefined) { const k = key(byId.get(cur)); if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) || 0) + c); } cur = parent.get(cur); }
}
const filt = process.argv[2] ? new RegExp(process.argv[2]) : null;
console.log('SELF'); console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, c]) => (100 * c / total).toFixed(1) + '% ' + k).join('\n'));
console.log('INCLUSIVE'); console.log([...incl].filter(([k]) => !filt || filt.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, c]) => (100 * c / total).toFixed(1) + '% ' + k).join('\n'));
