/**
 * Where the instructions counted by `npm run bench -- --instructions` went:
 * for each path and process, thousands of instructions per request by origin
 * (a package, Node's JavaScript, this repository's bundled code, V8's
 * builtins, runtime, compiler and collector, nghttp2, libuv, the C library),
 * every configuration side by side (median over rounds).
 *
 *   node --require tsx/cjs tools/bench/instructionsSummary.ts <out>.json [--origins 12] [--functions 15]
 *
 * Callgrind names compiled JavaScript only by its address; the process's
 * `--perf-basic-prof` map, kept beside the dumps, names it (the function,
 * its file and line, and its tier: `*` optimized, `^` baseline, `~`
 * interpreted). `--functions N` lists, for each configuration, the N
 * functions whose instructions per request grew most over bare's.
 * `--against <earlier>.json` compares the result with an earlier one (two
 * versions of the code, measured the same way) process by process instead.
 * `--callers REGEX` lists who calls the functions whose (resolved) name
 * matches, e.g. `--callers '^Builtins_LoadIC$'` for the inline-cache stub of
 * property loads: per caller, calls per request and the instructions they
 * executed, every configuration side by side (`--top N` callers, default 15,
 * those whose calls grew most over bare first).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceName } from '@govrnanza/topology';
import { table } from './allocationSummary';
import { pathNamed, type PathName } from './paths';
import { configNamed, type ConfigName } from './configs';
import { callgrindSelfCost, instructionPart, readCallgrind } from './instructions';
import type { InstructionsResult } from './instructionsRun';
import { originOf } from './profileSummary';
import { stat } from './summarize';

/** Where V8 put each piece of code: `/tmp/perf-<pid>.map` as `--perf-basic-prof` writes it, sorted by address. */
export interface PerfMap {
  starts: number[];
  entries: { start: number; size: number; name: string }[];
}

export function readPerfMap(text: string): PerfMap {
  const entries: PerfMap['entries'] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.+)$/.exec(line);
    if (m) entries.push({ start: parseInt(m[1]!, 16), size: parseInt(m[2]!, 16), name: m[3]! });
  }
  entries.sort((a, b) => a.start - b.start);
  return { starts: entries.map((e) => e.start), entries };
}

/** The name of a dump's function: an address callgrind could not name is looked up in the map. */
export function resolveFunction(fn: string, map: PerfMap | undefined): string {
  const m = /^0x([0-9a-f]+)$/.exec(fn);
  if (!m || !map) return fn;
  const address = parseInt(m[1]!, 16);
  let lo = 0;
  let hi = map.starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map.starts[mid]! <= address) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const e = found >= 0 ? map.entries[found] : undefined;
  return e && address < e.start + e.size ? e.name : fn;
}

/**
 * The origin of a (resolved) function: JavaScript by its file (a package,
 * Node, the bundle of this repository's code), native code by its library
 * or, for V8, by what it does.
 */
export function instructionOrigin(fn: string): string {
  const js = /^JS:[*^~]?(.*?) ((?:node:|\/)\S*?):(\d+):(\d+)$/.exec(fn);
  if (js) {
    const [, functionName, url, line, column] = js;
    const { pkg } = originOf({ functionName: functionName!, url: url!, lineNumber: Number(line) - 1, columnNumber: Number(column) - 1 });
    // The bundles (and their source maps) are gone after the run: this repository's code, bundled.
    if (pkg === 'other' && /\/bundles-\d+\/[^/]+\.js$/.test(url!)) return 'bundled code of this repository';
    return pkg === 'node' ? "Node's JavaScript" : pkg;
  }
  if (fn.startsWith('JS:')) return 'JavaScript (no file)';
  if (fn.startsWith('RegExp:')) return 'regular expressions (compiled)';
  if (fn.startsWith('Builtin:') || fn.startsWith('BytecodeHandler:') || /^Builtins_/.test(fn)) return 'V8 builtins (property access, calls, interpreter)';
  if (/^0x[0-9a-f]+$/.test(fn)) return 'compiled code (not in the map)';
  const part = instructionPart(fn);
  if (part === 'compiler') return 'V8 optimizing compiler';
  if (part === 'gc') return 'V8 garbage collector';
  if (/nghttp2/.test(fn)) return 'nghttp2';
  if (/^uv_/.test(fn)) return 'libuv';
  if (/\bnode::/.test(fn)) return "Node's C++";
  if (/\bv8::/.test(fn)) return 'V8 runtime';
  if (/libc\.so|^(malloc|free|_int_malloc|_int_free|malloc_consolidate|__mem\w+|mem\w+|str\w+)\b/.test(fn)) return 'C library';
  return 'other native code';
}

/** Thousands of instructions per request of one dump, by origin and by (resolved) function. */
export function dumpPerRequest(dumpFile: string, map: PerfMap | undefined, requests: number): { byOrigin: Map<string, number>; byFunction: Map<string, number> } {
  const { byFunction: raw } = callgrindSelfCost(dumpFile);
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [fn, n] of raw) {
    const name = resolveFunction(fn, map);
    const origin = instructionOrigin(name);
    const k = n / requests / 1e3;
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + k);
    byFunction.set(name, (byFunction.get(name) ?? 0) + k);
  }
  return { byOrigin, byFunction };
}

/** Per caller of the functions whose resolved name matches `callee`: calls and thousands of instructions (inclusive) per request. */
export function callersPerRequest(dumpFile: string, map: PerfMap | undefined, requests: number, callee: RegExp): Map<string, { calls: number; k: number }> {
  const out = new Map<string, { calls: number; k: number }>();
  for (const call of readCallgrind(dumpFile, { calls: true }).calls) {
    if (!callee.test(resolveFunction(call.callee, map))) continue;
    const caller = resolveFunction(call.caller, map);
    const entry = out.get(caller) ?? { calls: 0, k: 0 };
    entry.calls += call.calls / requests;
    entry.k += call.inclusive / requests / 1e3;
    out.set(caller, entry);
  }
  return out;
}

/** The perf map kept beside a dump (`<service>.<pid>.perf.map`), if there is one. */
function perfMapOf(dumpFile: string): PerfMap | undefined {
  const m = /^(.*\/[a-z]+\.\d+)\.callgrind\.\d+$/.exec(dumpFile);
  const file = m ? `${m[1]}.perf.map` : '';
  return file && existsSync(file) ? readPerfMap(readFileSync(file, 'utf8')) : undefined;
}

/** The measured dumps of one process on one path and configuration (one per round that completed requests), with the map and requests to read them by. */
function runDumps(result: InstructionsResult, dumps: string, p: PathName, c: ConfigName, service: ServiceName): { file: string; map: PerfMap | undefined; requests: number }[] {
  return result.runs
    .filter((r) => r.path === p && r.config === c && r.requests.completed > 0 && r.byService[service] !== undefined)
    .map((r) => {
      const file = path.join(dumps, r.byService[service]!.dump);
      return { file, map: perfMapOf(file), requests: r.requests.completed };
    });
}

const k1 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(1));

/** Markdown: per path and process, K instructions per request by origin, configurations side by side. */
export function instructionsTables(
  result: InstructionsResult,
  dumps: string,
  origins = 12,
  functions = 0,
  callers?: { callee: RegExp; top: number },
): string {
  const out: string[] = [];
  const medianOf = (values: number[]): number => (values.length > 0 ? stat(values).median : NaN);
  for (const p of result.settings.paths) {
    const configs = result.settings.configs.filter((c) => result.runs.some((r) => r.path === p && r.config === c));
    for (const service of pathNamed(p).services) {
      const per = new Map<string, ReturnType<typeof dumpPerRequest>[]>();
      for (const c of configs) {
        per.set(
          c,
          runDumps(result, dumps, p, c, service).map((d) => dumpPerRequest(d.file, d.map, d.requests)),
        );
      }
      const median = (c: string, key: string, by: 'byOrigin' | 'byFunction'): number => medianOf(per.get(c)!.map((d) => d[by].get(key) ?? 0));
      const allOrigins = new Set(configs.flatMap((c) => per.get(c)!.flatMap((d) => [...d.byOrigin.keys()])));
      const top = [...allOrigins].map((o) => ({ o, max: Math.max(...configs.map((c) => median(c, o, 'byOrigin'))) })).sort((a, b) => b.max - a.max);
      const shown = top.slice(0, origins).map((t) => t.o);
      const rest = top.slice(origins).map((t) => t.o);
      out.push(`### ${pathNamed(p).label}: ${service}, thousands of instructions per request`, '');
      const rows = shown.map((o) => [o, ...configs.map((c) => k1(median(c, o, 'byOrigin')))]);
      if (rest.length > 0) rows.push([`${rest.length} more origins`, ...configs.map((c) => k1(rest.reduce((sum, o) => sum + median(c, o, 'byOrigin'), 0)))]);
      rows.push(['all', ...configs.map((c) => k1(medianOf(per.get(c)!.map((d) => [...d.byOrigin.values()].reduce((a, b) => a + b, 0)))))]);
      out.push(...table(['origin', ...configs.map((c) => configNamed(c).label)], rows), '');
      if (functions > 0 && configs.includes('bare')) {
        for (const c of configs.filter((x) => x !== 'bare')) {
          const names = new Set([...per.get(c)!, ...per.get('bare')!].flatMap((d) => [...d.byFunction.keys()]));
          const grown = [...names].map((f) => ({ f, d: median(c, f, 'byFunction') - median('bare', f, 'byFunction') })).sort((a, b) => b.d - a.d);
          out.push(`${service}, ${configNamed(c).label}: the ${functions} functions that grew most over bare (K instructions per request):`, '');
          out.push(...grown.slice(0, functions).map(({ f, d }) => `- +${d.toFixed(1)} ${f}`), '');
        }
      }
      if (callers) out.push(...callersTable(result, dumps, p, service, configs, callers.callee, callers.top));
    }
  }
  return out.join('\n');
}

/** Markdown: who calls the functions matching `callee` in one process, calls (and K instructions) per request by configuration. */
function callersTable(result: InstructionsResult, dumps: string, p: PathName, service: ServiceName, configs: ConfigName[], callee: RegExp, top: number): string[] {
  const per = new Map(configs.map((c) => [c, runDumps(result, dumps, p, c, service).map((d) => callersPerRequest(d.file, d.map, d.requests, callee))]));
  const median = (c: ConfigName, caller: string, key: 'calls' | 'k'): number => {
    const values = per.get(c)!.map((m) => m.get(caller)?.[key] ?? 0);
    return values.length > 0 ? stat(values).median : NaN;
  };
  const names = [...new Set(configs.flatMap((c) => per.get(c)!.flatMap((m) => [...m.keys()])))];
  const growth = (caller: string): number => {
    const most = Math.max(...configs.map((c) => median(c, caller, 'calls')));
    return configs.includes('bare') ? most - median('bare', caller, 'calls') : most;
  };
  const shown = names.sort((a, b) => growth(b) - growth(a)).slice(0, top);
  const cell = (c: ConfigName, caller: string): string => `${median(c, caller, 'calls').toFixed(0)} (${k1(median(c, caller, 'k'))})`;
  const all = (c: ConfigName): string => {
    const sums = per.get(c)!.map((m) => [...m.values()].reduce((a, b) => ({ calls: a.calls + b.calls, k: a.k + b.k }), { calls: 0, k: 0 }));
    return sums.length > 0 ? `${stat(sums.map((x) => x.calls)).median.toFixed(0)} (${k1(stat(sums.map((x) => x.k)).median)})` : '';
  };
  return [
    `${service}: callers of ${callee.source}, calls per request (thousands of instructions they executed)${configs.includes('bare') ? ', most grown over bare first' : ''}:`,
    '',
    ...table(
      ['caller', ...configs.map((c) => configNamed(c).label)],
      [...shown.map((caller) => [caller, ...configs.map((c) => cell(c, caller))]), ['all callers', ...configs.map(all)]],
    ),
    '',
  ];
}

/**
 * A function's name with what differs between two builds of the same code
 * taken out, so that two results can be compared function by function: the
 * tier (`*`, `^`, `~`: the same function optimized in one run and not yet in
 * the other is one function), and for this repository's bundled code the
 * bundle's folder, line and column (a change moves every line after it; the
 * functions of the bundle that share a name, such as every message's
 * `encode`, are added up).
 */
export function comparableName(fn: string): string {
  const js = /^JS:[*^~]?(.*?) (\S*?):(\d+):(\d+)$/.exec(fn);
  if (!js) return fn;
  const [, name, url, line, column] = js;
  const bundle = /\/bundles-\d+\/([^/]+\.js)$/.exec(url!);
  return bundle ? `JS:${name} (bundled ${bundle[1]})` : `JS:${name} ${url}:${line}:${column}`;
}

/** One result of `--instructions` with its dumps, as read from disk. */
export interface LoadedResult {
  result: InstructionsResult;
  dumps: string;
}

/** Per process: thousands of instructions per request in the rest, the compiler and the collector, and the rest by comparable function (medians over rounds). */
function perProcess(loaded: LoadedResult, p: PathName, c: ConfigName, service: ServiceName): { parts: Record<'rest' | 'compiler' | 'gc', number>; byFunction: Map<string, number> } | undefined {
  const measured = runDumps(loaded.result, loaded.dumps, p, c, service);
  if (measured.length === 0) return undefined;
  const each = measured.map((d) => {
    const { byFunction } = dumpPerRequest(d.file, d.map, d.requests);
    const parts = { rest: 0, compiler: 0, gc: 0 };
    const named = new Map<string, number>();
    for (const [fn, k] of byFunction) {
      const part = instructionPart(fn);
      parts[part] += k;
      if (part === 'rest') named.set(comparableName(fn), (named.get(comparableName(fn)) ?? 0) + k);
    }
    return { parts, byFunction: named };
  });
  const median = (values: number[]): number => stat(values).median;
  const names = new Set(each.flatMap((e) => [...e.byFunction.keys()]));
  return {
    parts: { rest: median(each.map((e) => e.parts.rest)), compiler: median(each.map((e) => e.parts.compiler)), gc: median(each.map((e) => e.parts.gc)) },
    byFunction: new Map([...names].map((n) => [n, median(each.map((e) => e.byFunction.get(n) ?? 0))])),
  };
}

/**
 * Markdown: a result against an earlier one (`before`), every path,
 * configuration and process the two share: thousands of instructions per
 * request in the rest, the compiler and the collector, before and after, and
 * the `functions` functions of the rest whose instructions changed most. The
 * whole measured window per request: unlike the bench's own tables, what the
 * process executes with no load is not taken out.
 */
export function compareTables(after: LoadedResult, before: LoadedResult, functions = 15): string {
  const out: string[] = [];
  for (const p of after.result.settings.paths.filter((x) => before.result.settings.paths.includes(x))) {
    for (const c of after.result.settings.configs.filter((x) => before.result.settings.configs.includes(x))) {
      for (const service of pathNamed(p).services) {
        const a = perProcess(after, p, c, service);
        const b = perProcess(before, p, c, service);
        if (!a || !b) continue;
        out.push(`### ${pathNamed(p).label}: ${service}, ${configNamed(c).label}: thousands of instructions per request, before → after`, '');
        const row = (label: string, x: number, y: number): string[] => [label, k1(x), k1(y), `${y - x >= 0 ? '+' : ''}${(y - x).toFixed(1)}`];
        out.push(
          ...table(
            ['part', 'before', 'after', 'change'],
            [row('the rest', b.parts.rest, a.parts.rest), row('optimizing compiler', b.parts.compiler, a.parts.compiler), row('garbage collector', b.parts.gc, a.parts.gc)],
          ),
          '',
        );
        const names = new Set([...a.byFunction.keys(), ...b.byFunction.keys()]);
        const changed = [...names]
          .map((f) => ({ f, x: b.byFunction.get(f) ?? 0, y: a.byFunction.get(f) ?? 0 }))
          .sort((u, v) => Math.abs(v.y - v.x) - Math.abs(u.y - u.x))
          .slice(0, functions);
        out.push(`The ${functions} functions outside the compiler and the collector that changed most:`, '');
        out.push(...changed.map(({ f, x, y }) => `- ${y - x >= 0 ? '+' : ''}${(y - x).toFixed(1)} (${k1(x)} → ${k1(y)}) ${f}`), '');
      }
    }
  }
  return out.length > 0 ? out.join('\n') : 'the two results share no path, configuration and process';
}

/** Reads a result of `--instructions` and finds its dumps; a message instead when it is not one. */
function loadResult(file: string): LoadedResult | string {
  if (!existsSync(file)) return `${file}: no such file`;
  const result = JSON.parse(readFileSync(file, 'utf8')) as InstructionsResult;
  if (!result.runs?.[0]?.byService || !('settings' in result) || !result.dumps) return `${file}: not the result of npm run bench -- --instructions`;
  // The dumps' folder as the result names it, relative to where the bench ran: found again beside the JSON.
  const dumps = existsSync(result.dumps) ? result.dumps : path.join(path.dirname(file), path.basename(result.dumps));
  return { result, dumps };
}

function main(argv: string[]): number {
  const option = (name: string, fallback: number): number => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  const file = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  if (!file) {
    console.error(
      'usage: instructionsSummary.ts <out>.json [--origins N] [--functions N] [--callers REGEX [--top N]] [--against <earlier>.json]   (<out> as given to npm run bench -- --instructions --out)',
    );
    return 2;
  }
  const loaded = loadResult(file);
  if (typeof loaded === 'string') {
    console.error(loaded);
    return 1;
  }
  if (argv.includes('--against')) {
    const before = loadResult(argv[argv.indexOf('--against') + 1] ?? '');
    if (typeof before === 'string') {
      console.error(before);
      return 1;
    }
    console.log(compareTables(loaded, before, option('--functions', 15)));
    return 0;
  }
  const callee = argv.includes('--callers') ? argv[argv.indexOf('--callers') + 1] : undefined;
  console.log(instructionsTables(loaded.result, loaded.dumps, option('--origins', 12), option('--functions', 0), callee ? { callee: new RegExp(callee), top: option('--top', 15) } : undefined));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
