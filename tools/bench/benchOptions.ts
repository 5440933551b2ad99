import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { parsePlacement, type CpuPlacement } from './cpuPlacement';
import { CONFIG_NAMES, configNamed, type ConfigName } from './configs';
import { PATH_NAMES, type PathName } from './paths';

/** Settings of one `npm run bench` invocation. Times in ms. */
export interface BenchOptions {
  rounds: number;
  /** Length of each measured closed- and open-loop run. */
  durationMs: number;
  /** Unmeasured load before each path's runs (JIT, connections). */
  warmupMs: number;
  paths: PathName[];
  configs: ConfigName[];
  /** Closed-loop workers: enough to saturate. */
  concurrency: number;
  /** The open-loop rate as a fraction of the bare saturation throughput of each path. */
  rateFraction: number;
  /** Fixed open-loop rates per path (req/s), skipping calibration for those paths. */
  rates: Partial<Record<PathName, number>>;
  /** Output files: `<out>.json` and `<out>.md`. */
  out: string;
  /** Soak mode: run one configuration this long and follow each process's RSS; 0 = no soak. */
  soakMs: number;
  /** The configuration soaked: the first of --configs other than bare (in table order), else tracing-1pct. */
  soakConfig: ConfigName;
  /** The soak's first part, whose RSS is not judged; undefined = a fifth of the soak, at most 5 minutes. */
  soakWarmupMs?: number;
  /** Node and V8 flags every benchmarked process runs with, bare and stack alike (empty: none). */
  nodeFlags: string[];
  /** Before each configuration, wait while other work uses more than this many cores. */
  quietCores: number;
  /** Wait at most this long for the machine to be quiet, then measure anyway (and say so). */
  maxWaitMs: number;
  quick: boolean;
  /** Before each configuration's first path, measure each process's CPU with no load for this long; 0 = not at all. */
  idleMs: number;
  /** Cores each process is restricted to (`--pin`); unset: the scheduler places them. */
  pin?: CpuPlacement;
  /** Write a V8 CPU profile of every benchmarked process under this directory (one folder per session); unset: none. */
  cpuProfDir?: string;
  /**
   * Sample the allocations of every benchmarked process in an extra fixed-rate
   * run per path (after the measured ones, which it leaves alone), one
   * .heapprofile per process and path under this directory; unset: none.
   */
  allocationsDir?: string;
  /**
   * Instructions mode: every process under callgrind, each path measured as
   * instructions per request (see instructionsRun.ts); `idleMs` is then the
   * window with no load before the first path.
   */
  instructions: boolean;
  /**
   * Serializers mode: the three-hop path's messages serialized in this process
   * with ts-proto's generated serializers and the contracts' pooled ones (see
   * serializersRun.ts); `durationMs` is then each message's time per variant and round.
   */
  serializers: boolean;
}

export class BenchUsageError extends Error {}

export const BENCH_USAGE = `npm run bench -- [options]

Runs the same call paths against the bare grpc-js reference and the stack in
several configurations, interleaved (one configuration after the other, every
round), and writes <out>.json and <out>.md with medians, spread and ratios to bare.

  --quick                 tiny run (1 round, 0.5 s runs): checks that everything works
  --rounds N              rounds (default 3)
  --duration T            each measured run, e.g. 10s, 500ms (default 10s)
  --warmup T              unmeasured load before each path (default 3s)
  --paths a,b             ${PATH_NAMES.join(', ')} (default all)
  --configs a,b           ${CONFIG_NAMES.join(', ')} (default all; bare is always added)
  --concurrency N         closed-loop workers (default 32)
  --rate-fraction F       open-loop rate = F × bare saturation throughput (default 0.25:
                          below the saturation of every configuration, so p50/p99 are
                          latency, not queueing)
  --rates p=R,…           fixed open-loop rates in req/s, e.g. three-hop=800 (skips calibration)
  --out PATH              output prefix (default bench/results/latest)
  --soak T                soak mode: one configuration (the first of --configs that is not
                          bare, default tracing-1pct) under open-loop load on every path for T
                          (e.g. 5m), RSS of each process followed over time
  --soak-warmup T         the soak's first part, not judged: growth compares the RSS floor
                          just after it with the floor at the end (default a fifth of the
                          soak, at most 5m); e.g. --soak 8m --soak-warmup 3m judges 5 minutes
  --node-flags="F …"      Node and V8 flags for every benchmarked process, bare and stack
                          alike, e.g. --node-flags=--no-memory-reducer (with "=": the value
                          starts with a dash): what a deployment's NODE_OPTIONS would change
  --idle T                before the paths of each configuration, measure the CPU every
                          process uses with no load for T (background timers and monitors;
                          default 3s, 0 = not at all)
  --quiet-cores C         wait while other work uses more than C cores (default 0.3)
  --max-wait T            wait at most T for quiet, then measure anyway (default 5m)
  --pin name=cores,…      restrict processes to cores (all their threads, with taskset), e.g.
                          registry=1,billing=1,others=0; names: services, generator, others
                          (every process not named); cores: 0 or a range like 0-1. Without it
                          the kernel places and moves the processes as it likes
  --cpu-prof DIR          write a CPU profile of every benchmarked process under DIR
                          (summarize with tools/bench/profileSummary.ts); profiling slows
                          every process, so figures of such a run are not comparable
  --allocations DIR       after the measured runs of each path, sample what every process
                          allocates (collected objects included) in one more fixed-rate run,
                          and write one heap profile per process under DIR (bytes per request,
                          by package: tools/bench/allocationSummary.ts DIR); use a new DIR
                          for each run, the summary reads every session under it
  --instructions          count instructions instead of measuring time: every process runs
                          under valgrind's callgrind, measured with no load after start-up
                          (--idle, default 5s), then on each path warmed up (--warmup, default
                          60s) and measured one request at a time (--duration, default 60s); writes millions
                          of instructions per request and process, × bare (default 2
                          rounds; slow, but independent of other work on the machine)
  --serializers           time serializing the three-hop path's messages in this process:
                          ts-proto's generated serializers (bare's) against the contracts'
                          pooled ones (the stack's), alternating, each message --duration
                          per variant and round (default 500ms, 5 rounds); ns per message
                          and pooled ÷ generated
  --render FILE.json      print the Markdown of a result written earlier (e.g. <out>.partial.json)
  --help`;

/** Parses `10s`, `500ms`, `5m`; a bare number is seconds. */
export function parseDuration(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new BenchUsageError(`${what}: expected a duration like 10s, 500ms or 5m, got "${text}"`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

function list<T extends string>(text: string | undefined, known: readonly T[], what: string): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of items) if (!known.includes(i as T)) throw new BenchUsageError(`${what}: unknown "${i}" (known: ${known.join(', ')})`);
  if (items.length === 0) throw new BenchUsageError(`${what}: empty list`);
  return known.filter((k) => items.includes(k));
}

function positive(text: string | undefined, fallback: number, what: string, integer = true): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new BenchUsageError(`${what}: expected a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  return n;
}

function parseRates(text: string | undefined): Partial<Record<PathName, number>> {
  const rates: Partial<Record<PathName, number>> = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    const [path] = list(name, PATH_NAMES, '--rates') ?? [];
    rates[path!] = positive(value, 0, `--rates ${name}`, false);
  }
  return rates;
}

function placement(text: string): CpuPlacement {
  try {
    return parsePlacement(text, availableParallelism());
  } catch (err) {
    throw new BenchUsageError(`--pin: ${(err as Error).message}`);
  }
}

/** Parses the command line; `help: true` when --help was asked. */
export function parseBenchArgs(argv: string[]): { help: true } | { help: false; options: BenchOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        quick: { type: 'boolean' },
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        paths: { type: 'string' },
        configs: { type: 'string' },
        concurrency: { type: 'string' },
        'rate-fraction': { type: 'string' },
        rates: { type: 'string' },
        out: { type: 'string' },
        soak: { type: 'string' },
        'soak-warmup': { type: 'string' },
        'node-flags': { type: 'string' },
        'quiet-cores': { type: 'string' },
        'max-wait': { type: 'string' },
        idle: { type: 'string' },
        pin: { type: 'string' },
        'cpu-prof': { type: 'string' },
        allocations: { type: 'string' },
        instructions: { type: 'boolean' },
        serializers: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    throw new BenchUsageError((err as Error).message);
  }
  if (parsed.help) return { help: true };
  const quick = parsed.quick ?? false;
  const asked = list(parsed.configs, CONFIG_NAMES, '--configs');
  const configs = asked ?? [...CONFIG_NAMES];
  const rateFraction = positive(parsed['rate-fraction'], 0.25, '--rate-fraction', false);
  if (rateFraction >= 1) throw new BenchUsageError('--rate-fraction: must be below 1 (the open loop measures latency below saturation)');
  if (parsed.allocations && parsed.soak) throw new BenchUsageError('--allocations: samples the paths of a measured run, not a soak');
  const soakMs = parsed.soak ? parseDuration(parsed.soak, '--soak') : 0;
  const soakWarmupMs = parsed['soak-warmup'] === undefined ? undefined : parseDuration(parsed['soak-warmup'], '--soak-warmup');
  if (soakWarmupMs !== undefined && soakMs === 0) throw new BenchUsageError('--soak-warmup: only with --soak');
  if (soakWarmupMs !== undefined && soakWarmupMs >= soakMs) throw new BenchUsageError('--soak-warmup: must be shorter than the soak, which must leave time to judge');
  const nodeFlags = (parsed['node-flags'] ?? '').split(/\s+/).filter(Boolean);
  const notFlag = nodeFlags.find((f) => !/^--[a-z0-9][\w-]*(=\S+)?$/i.test(f));
  if (notFlag !== undefined) throw new BenchUsageError(`--node-flags: "${notFlag}" is not a flag (--name or --name=value)`);
  const instructions = parsed.instructions ?? false;
  if (instructions) {
    for (const other of ['soak', 'allocations', 'cpu-prof', 'pin'] as const) {
      if (parsed[other] !== undefined) throw new BenchUsageError(`--instructions: cannot be combined with --${other}`);
    }
  }
  const serializers = parsed.serializers ?? false;
  if (serializers) {
    for (const other of ['instructions', 'soak', 'allocations', 'cpu-prof', 'pin', 'paths', 'configs', 'rates'] as const) {
      if (parsed[other] !== undefined) throw new BenchUsageError(`--serializers: cannot be combined with --${other}`);
    }
  }
  // Instructions mode: JIT and caches settle over many requests, and one request at a time is slow under callgrind.
  const defaults = instructions
    ? { rounds: quick ? 1 : 2, durationMs: quick ? 2_000 : 60_000, warmupMs: quick ? 2_000 : 60_000, idleMs: quick ? 1_000 : 5_000 }
    : serializers
      ? { rounds: quick ? 1 : 5, durationMs: quick ? 50 : 500, warmupMs: 0, idleMs: 0 }
      : { rounds: quick ? 1 : 3, durationMs: quick ? 500 : 10_000, warmupMs: quick ? 200 : 3_000, idleMs: quick ? 500 : 3_000 };
  return {
    help: false,
    options: {
      quick,
      rounds: positive(parsed.rounds, defaults.rounds, '--rounds'),
      durationMs: parsed.duration ? parseDuration(parsed.duration, '--duration') : defaults.durationMs,
      warmupMs: parsed.warmup ? parseDuration(parsed.warmup, '--warmup') : defaults.warmupMs,
      paths: list(parsed.paths, PATH_NAMES, '--paths') ?? [...PATH_NAMES],
      // bare is the reference of every ratio: always measured.
      configs: configs.includes('bare') ? configs : ['bare', ...configs],
      concurrency: positive(parsed.concurrency, quick ? 8 : 32, '--concurrency'),
      rateFraction,
      rates: parseRates(parsed.rates),
      out: parsed.out ?? 'bench/results/latest',
      soakMs,
      nodeFlags,
      ...(soakWarmupMs !== undefined ? { soakWarmupMs } : {}),
      soakConfig: asked ? (asked.find((c) => configNamed(c).kind !== 'bare') ?? 'bare') : 'tracing-1pct',
      quietCores: parsed['quiet-cores'] === undefined ? 0.3 : Number(parsed['quiet-cores']),
      idleMs: parsed.idle ? parseDuration(parsed.idle, '--idle') : defaults.idleMs,
      maxWaitMs: parsed['max-wait'] ? parseDuration(parsed['max-wait'], '--max-wait') : quick ? 0 : 300_000,
      ...(parsed.pin ? { pin: placement(parsed.pin) } : {}),
      ...(parsed['cpu-prof'] ? { cpuProfDir: parsed['cpu-prof'] } : {}),
      ...(parsed.allocations ? { allocationsDir: parsed.allocations } : {}),
      instructions,
      serializers,
    },
  };
}
