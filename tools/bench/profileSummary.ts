/**
 * Summarizes V8 CPU profiles (`npm run bench -- --cpu-prof DIR`): where each
 * process spent its CPU, by package (self and inclusive) and by function,
 * with bundle positions mapped back to source files through the bundles'
 * source maps when they are still there.
 *
 *   node --require tsx/cjs tools/bench/profileSummary.ts DIR/1-tracing-1pct/registry.cpuprofile [--top 25] [--skip-ms 3000]
 *
 * `--skip-ms` leaves out the first milliseconds of each profile (start-up: module loading, proto parsing).
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** CPU time by key, in ms. */
export type Tally = Map<string, number>;

const maps = new Map<string, SourceMap | undefined>();

function sourceMapOf(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    let map: SourceMap | undefined;
    try {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

/** The source a frame comes from: a package, a file of this repository (with its line), Node itself, or V8. */
export function originOf(frame: CallFrame): { pkg: string; where: string } {
  const { url, functionName, lineNumber, columnNumber } = frame;
  if (url === '') return { pkg: functionName.startsWith('(') ? functionName : '(native)', where: '' };
  if (url.startsWith('node:')) return { pkg: 'node', where: url };
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return { pkg: nm[1]!, where: `${url.slice(url.lastIndexOf('node_modules/') + 13)}:${lineNumber + 1}` };
  const entry = sourceMapOf(url)?.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (!entry?.originalSource) return { pkg: 'other', where: `${url}:${lineNumber + 1}` };
  const source = entry.originalSource.replace(/^.*?\/(packages|services|bench|tools|node_modules)\//, '$1/');
  const where = `${source}:${(entry.originalLine ?? 0) + 1}`;
  const inner = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (inner) return { pkg: inner[1]!, where };
  const own = /^(packages\/[^/]+|services\/[^/]+|bench\/[^/]+|tools\/[^/]+)/.exec(source);
  return { pkg: own ? own[1]! : 'other', where };
}

/** Self time by package and by function, and inclusive time by package (a sample counts once per package on its stack). */
export function summarizeProfile(
  profile: CpuProfile,
  skipMs = 0,
): { totalMs: number; selfByPackage: Tally; inclusiveByPackage: Tally; selfByFunction: Tally; inclusiveByFunction: Tally } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const origin = new Map(profile.nodes.map((n) => [n.id, originOf(n.callFrame)]));
  const selfByPackage: Tally = new Map();
  const inclusiveByPackage: Tally = new Map();
  const selfByFunction: Tally = new Map();
  const inclusiveByFunction: Tally = new Map();
  const add = (t: Tally, k: string, v: number): void => void t.set(k, (t.get(k) ?? 0) + v);
  let totalMs = 0;
  let clockMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    clockMs += (profile.timeDeltas[i] ?? 0) / 1000;
    const o = origin.get(id)!;
    if (o.pkg === '(idle)' || clockMs < skipMs) return;
    totalMs += ms;
    add(selfByPackage, o.pkg, ms);
    const f = byId.get(id)!.callFrame;
    add(selfByFunction, `${f.functionName || '(anonymous)'} ${o.where}`, ms);
    const seen = new Set<string>();
    const seenFunctions = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const at = origin.get(n)!;
      seen.add(at.pkg);
      seenFunctions.add(`${byId.get(n)!.callFrame.functionName || '(anonymous)'} ${at.where}`);
    }
    for (const p of seen) add(inclusiveByPackage, p, ms);
    // A function counts once per sample even when it recurses.
    for (const fn of seenFunctions) add(inclusiveByFunction, fn, ms);
  });
  return { totalMs, selfByPackage, inclusiveByPackage, selfByFunction, inclusiveByFunction };
}

function top(t: Tally, total: number, n: number): string[] {
  return [...t.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `  ${v.toFixed(0).padStart(7)} ms ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

function main(argv: string[]): void {
  const option = (name: string, fallback: number): number => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  const n = option('--top', 25);
  const skipMs = option('--skip-ms', 0);
  const files = argv.filter((a, i) => !a.startsWith('--') && !['--top', '--skip-ms'].includes(argv[i - 1] ?? ''));
  for (const file of files) {
    const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, skipMs);
    console.log(`${file}: ${s.totalMs.toFixed(0)} ms on CPU (idle excluded)`);
    console.log(' self, by package:', ...top(s.selfByPackage, s.totalMs, 15).map((l) => `\n${l}`));
    console.log(' inclusive, by package:', ...top(s.inclusiveByPackage, s.totalMs, 15).map((l) => `\n${l}`));
    console.log(' self, by function:', ...top(s.selfByFunction, s.totalMs, n).map((l) => `\n${l}`));
    const own = new Map([...s.inclusiveByFunction].filter(([k]) => / (packages|services)\//.test(k)));
    console.log(' inclusive, by function of this repository:', ...top(own, s.totalMs, n).map((l) => `\n${l}`));
    console.log();
  }
}

if (require.main === module) main(process.argv.slice(2));
