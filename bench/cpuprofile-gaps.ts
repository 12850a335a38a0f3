/**
 * What ran during each event-loop gap that bench/sync-pause.ts recorded: reads FILE.cpuprofile and
 * FILE.cpuprofile.gaps.json and prints, per gap, the time by leaf function (self) and by the
 * innermost frame of the project's own code (src/, bench/) with its stack.
 *
 *   npx tsx bench/cpuprofile-gaps.ts /tmp/sync.cpuprofile [minGapMs=100]
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
interface Timed {
  at: number;
  ms: number;
  what: string;
}

const file = process.argv[2];
if (!file) throw new Error('usage: cpuprofile-gaps.ts FILE.cpuprofile [minGapMs]');
const minGap = Number(process.argv[3] ?? 100);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const side = JSON.parse(readFileSync(`${file}.gaps.json`, 'utf8')) as { hrAtZero: number; t0: number; gaps: Timed[]; statements: Timed[]; gcs: Timed[] };

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const own = (url: string) => /\/(src|bench)\//.test(url) && !url.includes('node_modules');
const label = (frame: CallFrame) => `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${frame.lineNumber + 1}`;

function stackOf(id: number): CallFrame[] {
  const frames: CallFrame[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at)!.callFrame);
  return frames; // leaf first
}

// Sample times in the profile clock (µs); each sample stands for the time to the next one.
const times: number[] = [];
let clock = profile.startTime;
for (const delta of profile.timeDeltas) {
  clock += delta;
  times.push(clock);
}

for (const gap of side.gaps.filter((g) => g.ms >= minGap)) {
  const from = side.hrAtZero + gap.at * 1000;
  const to = from + gap.ms * 1000;
  const self = new Map<string, number>();
  const ownFrames = new Map<string, number>();
  let sampled = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const t = times[i]!;
    if (t < from || t >= to) continue;
    const weight = ((times[i + 1] ?? profile.endTime) - t) / 1000;
    sampled += weight;
    const stack = stackOf(profile.samples[i]!);
    const leaf = label(stack[0]!);
    self.set(leaf, (self.get(leaf) ?? 0) + weight);
    const index = stack.findIndex((frame) => own(frame.url));
    const mine = index < 0 ? '(no project frame)' : stack.slice(index, index + 4).map(label).join(' < ');
    ownFrames.set(mine, (ownFrames.get(mine) ?? 0) + weight);
  }
  const top = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([name, ms]) => `      ${ms.toFixed(0).padStart(5)} ms  ${name}`);
  console.log(`gap at ${Math.round(gap.at - side.t0)} ms, ${Math.round(gap.ms)} ms, ${gap.what} (sampled ${sampled.toFixed(0)} ms)`);
  for (const s of side.statements.filter((x) => x.at < gap.at + gap.ms && x.at + x.ms > gap.at)) {
    console.log(`   sqlite ${s.ms.toFixed(0)} ms: ${s.what.replace(/\s+/g, ' ').slice(0, 140)}`);
  }
  for (const g of side.gcs.filter((x) => x.at < gap.at + gap.ms && x.at + x.ms > gap.at)) console.log(`   ${g.what} ${g.ms.toFixed(0)} ms`);
  console.log('   self:');
  console.log(top(self).join('\n'));
  console.log('   innermost project frames:');
  console.log(top(ownFrames).join('\n'));
}
