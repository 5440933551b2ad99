import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path, { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ServiceName } from '@govrnanza/topology';
import type { BenchOptions } from './benchOptions';
import type { MachineFacts, Stat } from './benchResult';
import { machineFacts, startWithData, TIMEOUT_MS, type BenchEnv } from './benchSession';
import { CALLGRIND_NODE_FLAGS, type BenchSystem } from './benchSystem';
import { spread } from './benchMarkdown';
import { buildBundles } from './bundles';
import { configNamed, type ConfigName } from './configs';
import { callgrindControl, callgrindParts } from './instructions';
import { startLoadGenerator } from './loadGenerator';
import { startOtlpSink } from './otlpSink';
import { pathNamed, type DataIds, type PathName } from './paths';
import { roundOrder } from './runBench';
import { stat } from './summarize';

/** What one process executed on one path (user-space instructions, all threads). */
export interface ProcessInstructions {
  /** With no load: the median rate over the steps of the session's idle window, per second. */
  idlePerSecond: number;
  /** While the generator ran, over `InstructionsRun.wallMs`. */
  loaded: number;
  /** Of `loaded`: V8's optimizing compiler, and its garbage collector. */
  compiler: number;
  gc: number;
  /** The loaded window's dump, relative to `InstructionsResult.dumps` (instructionsSummary.ts reads it). */
  dump: string;
}

/** One path measured under callgrind in one configuration in one round. */
export interface InstructionsRun {
  round: number;
  config: ConfigName;
  path: PathName;
  requests: { completed: number; failed: number };
  /** The window with no load (once per session, before the first path), in steps of `IDLE_STEP_MS`. */
  idleMs: number;
  wallMs: number;
  byService: Partial<Record<ServiceName, ProcessInstructions>>;
}

/** One configuration on one path over every round. Instructions in millions. */
export interface InstructionsSummary {
  config: ConfigName;
  path: PathName;
  /** Per request, the background rate of the same process (see `perRequest`) taken out. */
  perRequest: Partial<Record<ServiceName, Stat>>;
  /** The path's processes together, per request. */
  total: Stat;
  /** `total` ÷ bare's total of the same round (bare's own row: 1). */
  ratio?: Stat;
  /** With no load, per second, all the path's processes together. */
  idlePerSecond: Stat;
  /**
   * All the path's processes together, per request: V8's optimizing
   * compiler, its garbage collector, and the rest (`total` without them: the
   * code that serves the request, V8's runtime and Node's included).
   */
  compiler: Stat;
  gc: Stat;
  rest: Stat;
  /** `rest` of each process. */
  restPerRequest: Partial<Record<ServiceName, Stat>>;
  /** `rest` ÷ bare's `rest` of the same round. */
  restRatio?: Stat;
}

export interface InstructionsResult {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineFacts & { valgrind: string };
  /** `nodeFlags`: what every process ran with under callgrind besides its usual flags. */
  settings: { rounds: number; warmupMs: number; durationMs: number; idleMs: number; paths: PathName[]; configs: ConfigName[]; nodeFlags: string[] };
  runs: InstructionsRun[];
  summaries: InstructionsSummary[];
  /** Where the callgrind dumps are kept (one folder per session, `callgrind_annotate` reads them). */
  dumps: string;
}

/** Concurrency of the measured closed loop: one request at a time, so nothing is batched. */
export const INSTRUCTIONS_CONCURRENCY = 1;
/** After start-up and seeding, before the window with no load. */
const IDLE_SETTLE_MS = 1_000;
/** Start-up under valgrind is 5–20 times slower than without. */
const READY_TIMEOUT_MS = 300_000;

/**
 * Instructions a process executed per request on a path: what it executed
 * under load minus what it executes in as long a time with no load (timers
 * and monitors run whether requests come or not; they are reported apart),
 * divided by the requests completed. Millions; NaN without requests.
 */
export function instructionsPerRequest(p: ProcessInstructions, run: Pick<InstructionsRun, 'wallMs' | 'requests'>): number {
  if (run.requests.completed === 0) return NaN;
  return (p.loaded - (p.idlePerSecond * run.wallMs) / 1000) / run.requests.completed / 1e6;
}

/** A process's instructions in the compiler and the collector, per request (millions; neither is in the idle rate's median). */
function partPerRequest(p: ProcessInstructions, run: Pick<InstructionsRun, 'requests'>, part: 'compiler' | 'gc'): number {
  return run.requests.completed === 0 ? NaN : p[part] / run.requests.completed / 1e6;
}

/** `instructionsPerRequest` without the compiler and the collector. */
function restPerRequest(p: ProcessInstructions, run: Pick<InstructionsRun, 'wallMs' | 'requests'>): number {
  return instructionsPerRequest(p, run) - partPerRequest(p, run, 'compiler') - partPerRequest(p, run, 'gc');
}

export function summarizeInstructions(runs: readonly InstructionsRun[], configs: readonly ConfigName[], paths: readonly PathName[]): InstructionsSummary[] {
  const sumOf = (run: InstructionsRun, each: (p: ProcessInstructions) => number): number => pathNamed(run.path).services.reduce((sum, s) => sum + each(run.byService[s]!), 0);
  const totalOf = (run: InstructionsRun): number => sumOf(run, (p) => instructionsPerRequest(p, run));
  const compilerOf = (run: InstructionsRun): number => sumOf(run, (p) => partPerRequest(p, run, 'compiler'));
  const gcOf = (run: InstructionsRun): number => sumOf(run, (p) => partPerRequest(p, run, 'gc'));
  const restOf = (run: InstructionsRun): number => sumOf(run, (p) => restPerRequest(p, run));
  const out: InstructionsSummary[] = [];
  for (const path of paths) {
    for (const config of configs) {
      const mine = runs.filter((r) => r.config === config && r.path === path);
      if (mine.length === 0) continue;
      const perRequest: InstructionsSummary['perRequest'] = {};
      const restByProcess: InstructionsSummary['restPerRequest'] = {};
      for (const s of pathNamed(path).services) {
        perRequest[s] = stat(mine.map((r) => instructionsPerRequest(r.byService[s]!, r)));
        restByProcess[s] = stat(mine.map((r) => restPerRequest(r.byService[s]!, r)));
      }
      const toBare = (of: (run: InstructionsRun) => number): number[] =>
        mine.flatMap((r) => {
          const bare = runs.find((b) => b.config === 'bare' && b.path === path && b.round === r.round);
          return bare ? [of(r) / of(bare)] : [];
        });
      const ratios = toBare(totalOf);
      const restRatios = toBare(restOf);
      out.push({
        config,
        path,
        perRequest,
        total: stat(mine.map(totalOf)),
        ...(ratios.length > 0 ? { ratio: stat(ratios) } : {}),
        idlePerSecond: stat(mine.map((r) => sumOf(r, (p) => p.idlePerSecond) / 1e6)),
        compiler: stat(mine.map(compilerOf)),
        gc: stat(mine.map(gcOf)),
        rest: stat(mine.map(restOf)),
        restPerRequest: restByProcess,
        ...(restRatios.length > 0 ? { restRatio: stat(restRatios) } : {}),
      });
    }
  }
  return out;
}

const fixed =
  (digits: number) =>
  (n: number): string =>
    n.toFixed(digits);

export function instructionsMarkdown(result: InstructionsResult): string {
  const { settings, machine } = result;
  const lines = [
    '### Instructions per request (callgrind)',
    '',
    `${machine.cpuModel} × ${machine.cpus}, Node ${machine.node}, ${machine.valgrind}; ${settings.rounds} round(s), ` +
      `${settings.idleMs / 1000} s with no load after start-up, then each path warmed up for ${settings.warmupMs / 1000} s and measured for ` +
      `${settings.durationMs / 1000} s, one request at a time. Millions of user-space instructions per request ` +
      '(all threads: JIT, garbage collection and the event loop; not the kernel), with what the process executes with no load ' +
      `in as long a time taken out; median (min–max) over rounds. Node ran with ${settings.nodeFlags.map((f) => `\`${f}\``).join(' ')} under callgrind.`,
  ];
  for (const path of settings.paths) {
    const services = pathNamed(path).services;
    lines.push(
      '',
      `#### ${pathNamed(path).label}`,
      '',
      `| configuration | ${services.join(' | ')} | all processes | × bare | with no load (M instructions/s) |`,
      `| --- | ${services.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`,
    );
    for (const s of result.summaries.filter((x) => x.path === path)) {
      lines.push(`| ${configNamed(s.config).label} | ${services.map((svc) => spread(s.perRequest[svc], fixed(3))).join(' | ')} | ${spread(s.total, fixed(3))} | ${spread(s.ratio, fixed(2))} | ${spread(s.idlePerSecond, fixed(2))} |`);
    }
    lines.push(
      '',
      'The same per request, by what executed the instructions: V8\'s optimizing compiler and garbage collector (all processes), and the rest ' +
        '(the code that serves the request, with V8\'s runtime and Node\'s) of each process. The compiler\'s share depends on how far V8 has ' +
        'optimized the code when the window starts, which under callgrind (20–50 times slower) takes far longer than without it: compare the rest.',
      '',
      `| configuration | optimizing compiler | garbage collection | ${services.map((svc) => `the rest: ${svc}`).join(' | ')} | the rest: all | × bare |`,
      `| --- | ---: | ---: | ${services.map(() => '---:').join(' | ')} | ---: | ---: |`,
    );
    for (const s of result.summaries.filter((x) => x.path === path)) {
      lines.push(
        `| ${configNamed(s.config).label} | ${spread(s.compiler, fixed(3))} | ${spread(s.gc, fixed(3))} | ${services.map((svc) => spread(s.restPerRequest[svc], fixed(3))).join(' | ')} | ${spread(s.rest, fixed(3))} | ${spread(s.restRatio, fixed(2))} |`,
      );
    }
  }
  lines.push(
    '',
    `Dumps: \`${result.dumps}\`. By origin and function, compiled JavaScript named: ` +
      '`node --require tsx/cjs tools/bench/instructionsSummary.ts <this result>.json --functions 15`; one dump: `callgrind_annotate <dump>`.',
  );
  return lines.join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The number of the next dump callgrind writes for each process (`<file>.N`, from 1). */
function dumpCounter(): (pid: number) => number {
  const next = new Map<number, number>();
  return (pid) => {
    const n = next.get(pid) ?? 1;
    next.set(pid, n + 1);
    return n;
  };
}

function dumpFile(dir: string, service: ServiceName, pid: number, n: number): string {
  const name = `${service}.${pid}.callgrind.${n}`;
  if (!readdirSync(dir).includes(name)) throw new Error(`callgrind wrote no ${name} in ${dir}`);
  return path.join(dir, name);
}

/**
 * Steps of the window with no load. A one-off in it (a collection, a
 * compilation finishing) would count ten times over when scaled to the loaded
 * window: the median step is the steady rate of timers and monitors.
 */
export const IDLE_STEP_MS = 1_000;

type Control = (command: 'on' | 'off' | 'dump') => Promise<unknown>;

/**
 * What each process executes per second with no load: collection on for
 * `idleMs` in steps, each dumped, the median step's rate. Before the first
 * warm-up, so the collection V8 makes a few seconds after a busy process
 * falls idle does not land in a loaded window.
 */
async function idleRates(system: BenchSystem, dir: string, nextDump: (pid: number) => number, all: Control, idleMs: number): Promise<{ ms: number; perSecond: Partial<Record<ServiceName, number>> }> {
  const stepsMs: number[] = [];
  await all('on');
  for (let elapsed = 0; elapsed < idleMs; elapsed += IDLE_STEP_MS) {
    const at = performance.now();
    await sleep(IDLE_STEP_MS);
    await all('dump');
    stepsMs.push(performance.now() - at);
  }
  await all('off');
  const perSecond: Partial<Record<ServiceName, number>> = {};
  for (const p of system.processes) {
    const rates = stepsMs.map((ms) => (callgrindParts(dumpFile(dir, p.service, p.pid, nextDump(p.pid))).total * 1000) / ms);
    perSecond[p.service] = rates.length > 0 ? stat(rates).median : 0;
  }
  return { ms: stepsMs.reduce((a, b) => a + b, 0), perSecond };
}

/** One path: a warm-up with collection off, then one request at a time with collection on, dumped. */
async function measurePath(
  env: BenchEnv,
  system: BenchSystem,
  session: { dir: string; nextDump: (pid: number) => number; all: Control; idle: { ms: number; perSecond: Partial<Record<ServiceName, number>> } },
  round: number,
  config: ConfigName,
  path: PathName,
  ids: DataIds,
): Promise<InstructionsRun> {
  const { options } = env;
  const target = pathNamed(path).target(system.address, system.port, ids);
  const job = (durationMs: number) => env.generator.run({ mode: 'closed', target, concurrency: INSTRUCTIONS_CONCURRENCY, durationMs, timeoutMs: TIMEOUT_MS * 4 });
  await job(options.warmupMs);
  await session.all('on');
  const started = performance.now();
  const loaded = await job(options.durationMs);
  await session.all('dump');
  const wallMs = performance.now() - started;
  await session.all('off');
  const byService: InstructionsRun['byService'] = {};
  for (const p of system.processes) {
    const file = dumpFile(session.dir, p.service, p.pid, session.nextDump(p.pid));
    const parts = callgrindParts(file);
    byService[p.service] = {
      idlePerSecond: session.idle.perSecond[p.service] ?? 0,
      loaded: parts.total,
      compiler: parts.compiler,
      gc: parts.gc,
      dump: `${basename(session.dir)}/${basename(file)}`,
    };
  }
  const { completed, failed } = loaded.report.requests;
  return { round, config, path, requests: { completed, failed }, idleMs: session.idle.ms, wallMs, byService };
}

function valgrindVersion(): string {
  const v = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) throw new Error('--instructions needs valgrind (Debian package valgrind) on PATH');
  return v.stdout.trim();
}

/**
 * `npm run bench -- --instructions`: every configuration's processes run
 * under valgrind's callgrind, and each path is measured as instructions per
 * request, one request at a time. Counting instructions does not depend on
 * what else the machine does, so it resolves differences between
 * configurations that throughput on a small shared machine does not (see
 * README, "Performance"). Callgrind slows every process 20–50 times: the
 * figures are instructions, never times.
 */
export async function runInstructions(options: BenchOptions, command: string, log: (line: string) => void): Promise<InstructionsResult> {
  const valgrind = valgrindVersion();
  const startedAt = new Date().toISOString();
  const dumps = `${options.out}.callgrind`;
  log('bundling services, bare reference and generator');
  const bundles = await buildBundles();
  const removeBundles = (): void => bundles.remove();
  process.once('exit', removeBundles);
  const sink = await startOtlpSink();
  const generator = startLoadGenerator(bundles.loadWorker);
  const env: BenchEnv = { options, bundles, sink, generator, log };
  const runs: InstructionsRun[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      log(`round ${round}/${options.rounds}`);
      for (const config of roundOrder(options.configs, round)) {
        const session = `${round}-${config}`;
        const dir = path.resolve(dumps, session);
        const { system, ids } = await startWithData(env, config, session, true, { callgrindDir: dir, readyTimeoutMs: READY_TIMEOUT_MS });
        const nextDump = dumpCounter();
        const all: Control = (command) => Promise.all(system.processes.map((p) => callgrindControl(p.pid, command)));
        try {
          await sleep(IDLE_SETTLE_MS);
          const idle = await idleRates(system, dir, nextDump, all, options.idleMs);
          for (const p of options.paths) {
            const run = await measurePath(env, system, { dir, nextDump, all, idle }, round, config, p, ids);
            runs.push(run);
            const perRequest = pathNamed(p).services.map((s) => `${s} ${instructionsPerRequest(run.byService[s]!, run).toFixed(3)}`);
            log(`  ${config.padEnd(15)} ${p.padEnd(10)} ${run.requests.completed} requests · M instructions/request: ${perRequest.join(', ')}${run.requests.failed > 0 ? ` · ${run.requests.failed} failed` : ''}`);
          }
        } finally {
          await system.stop();
        }
      }
    }
  } finally {
    await generator.close();
    await sink.close();
    process.removeListener('exit', removeBundles);
    bundles.remove();
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    command,
    machine: { ...machineFacts(), valgrind },
    settings: {
      rounds: options.rounds,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      idleMs: options.idleMs,
      paths: options.paths,
      configs: options.configs,
      nodeFlags: [...CALLGRIND_NODE_FLAGS, ...options.nodeFlags],
    },
    runs,
    summaries: summarizeInstructions(runs, options.configs, options.paths),
    dumps,
  };
}
