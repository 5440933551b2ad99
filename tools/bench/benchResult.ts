import type { ServiceName } from '@govrnanza/topology';
import type { ConfigName } from './configs';
import type { CpuPlacement, Placed } from './cpuPlacement';
import type { LoadSummary } from './loadJob';
import type { RunCost } from './measureRun';
import type { PathName } from './paths';

/** One measured run: what the generator reported and what the system spent. */
export interface MeasuredRun {
  report: LoadSummary;
  cost: RunCost;
}

/** One path measured in one configuration in one round. */
export interface PathRun {
  round: number;
  config: ConfigName;
  path: PathName;
  /** Measurements it took (more than 1 when other work disturbed the earlier ones). */
  attempts: number;
  /** Closed loop at `concurrency`: the highest throughput. */
  closed: MeasuredRun;
  /** Open loop at the path's fixed rate: latency below saturation. */
  open: MeasuredRun;
}

/** One configuration started, measured on every path and stopped, in one round. */
export interface Session {
  round: number;
  config: ConfigName;
  /** Span export requests and bytes the sink received from start to stop (the last batch is flushed at shutdown). */
  sink: { requests: number; bytes: number };
  /** The cores each process (and the generator) was allowed to run on, read back from /proc after start. */
  cores?: Partial<Record<Placed, string | undefined>>;
  /**
   * CPU each process used with no load (all threads), in ms per second, over
   * a window after start-up and seeding and before the first path: the cost
   * of timers and monitors that run whether requests come or not. Absent with
   * `--idle 0` or where the kernel keeps no scheduler statistics.
   */
  idleCpuMsPerSecond?: Partial<Record<ServiceName, number>>;
}

/** One configuration's background CPU over rounds (see `Session.idleCpuMsPerSecond`). */
export interface IdleSummary {
  config: ConfigName;
  /** ms of CPU per second, per process. */
  byService: Partial<Record<ServiceName, Stat>>;
}

/** How quiet the machine was before a configuration started. */
export interface QuietCheck {
  round: number;
  config: ConfigName;
  /** Cores busy with other work just before, averaged over 1 s. */
  foreignCores: number;
  waitedMs: number;
  loadAverage: [number, number, number];
}

/** Machine facts written with every result. */
export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  node: string;
  os: string;
  memoryGiB: number;
}

/** The median and range of one figure over rounds. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** One configuration on one path, over every round. */
export interface ConfigSummary {
  config: ConfigName;
  path: PathName;
  throughput: Stat;
  closedP50Ms: Stat;
  closedP99Ms: Stat;
  openP50Ms: Stat;
  openP99Ms: Stat;
  /** Open-loop rate achieved, req/s. */
  openRate: Stat;
  /** Open-loop runs in which the generator did not hold the asked rate. */
  fellBehind: number;
  fellBehindReasons: string[];
  /** Failed requests in all runs. */
  failed: number;
  /** CPU of all benchmarked processes per request at saturation, µs. */
  serverCpuUsPerRequest: Stat;
  /**
   * CPU of all benchmarked processes per request at the fixed open-loop
   * rate, µs: every configuration at the same load, so the same batching of
   * I/O (at saturation bare batches far more, which inflates the stack's
   * relative cost there). Absent in results written before it was measured.
   */
  openServerCpuUsPerRequest?: Stat;
  /** CPU of the generator per request at saturation, µs. */
  generatorCpuUsPerRequest: Stat;
  /** Cores the generator used at saturation. */
  generatorCores: Stat;
  /** Cores other work used during the closed-loop runs. */
  foreignCores: Stat;
  /** Highest RSS per process during the path's runs, MiB. */
  rssMiB: Partial<Record<ServiceName, Stat>>;
  /**
   * Each process's CPU per request at saturation, µs, and the cores it kept
   * busy: one near 1 core bounds the path (a Node process runs its JavaScript
   * on one thread). `mainThread`: the share of the run's wall time that thread
   * ran and waited in the run queue for a core. `openUsPerRequest`: CPU per
   * request at the fixed open-loop rate, the same load for every
   * configuration (at saturation each runs at its own throughput, and a busier
   * process spends less per request on waking up).
   */
  processCpu: Partial<Record<ServiceName, { usPerRequest: Stat; cores: Stat; mainThread?: { running: Stat; waiting: Stat }; openUsPerRequest: Stat }>>;
  /** Lines logged per request (all processes), closed loop. */
  logLinesPerRequest: Stat;
  /** Span export bytes per request (closed loop). */
  exportBytesPerRequest: Stat;
  /**
   * The closed loop was limited by the generator (it used more than
   * `GENERATOR_BOUND_CORES` of its one core): its throughput says more about
   * the generator than about the servers; read the server CPU per request.
   */
  generatorBound: boolean;
  /**
   * Paired ratios to bare in the same round (absent for bare). `capacity` is
   * bare's server CPU per request over this one's, at saturation: requests
   * served per CPU second relative to bare, whatever the generator and other
   * work took; `openCapacity` the same at the fixed open-loop rate.
   */
  ratios?: { throughput: Stat; openP50: Stat; openP99: Stat; serverCpu: Stat; capacity: Stat; openCapacity?: Stat };
}

/** A target of the issue and whether this run met it. */
export interface TargetCheck {
  name: string;
  /** The measured value (a ratio, or a percentage for RSS growth). */
  value: number | undefined;
  limit: string;
  met: boolean | undefined;
  note?: string;
}

/** RSS of one process over a soak run. */
export interface SoakSeries {
  service: ServiceName;
  /** [seconds since start, RSS MiB] */
  samples: [number, number][];
  /** Lowest RSS (the floor after garbage collection) of the first and of the last fifth after the warm-up, MiB. */
  afterWarmupMiB: number;
  finalMiB: number;
  /** finalMiB / afterWarmupMiB − 1, in %. */
  growthPct: number;
  /** Least-squares slope after the warm-up, MiB per minute. */
  slopeMiBPerMin: number;
}

export interface SoakResult {
  config: ConfigName;
  durationMs: number;
  warmupMs: number;
  rates: Partial<Record<PathName, number>>;
  series: SoakSeries[];
  load: Partial<Record<PathName, LoadSummary>>;
  /** Cores other work used, per sample interval, over the soak. */
  foreignCores: Stat;
}

/** Everything one invocation measured: written as JSON, rendered as Markdown. */
export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineFacts;
  loadAverageAtStart: [number, number, number];
  loadAverageAtEnd: [number, number, number];
  settings: {
    rounds: number;
    durationMs: number;
    warmupMs: number;
    concurrency: number;
    rateFraction: number;
    paths: PathName[];
    configs: ConfigName[];
    /** `--pin`: the cores each process was restricted to; absent: the kernel placed them. */
    pin?: CpuPlacement;
    /** `--node-flags`: what every benchmarked process ran with besides the bench's own; absent: nothing. */
    nodeFlags?: string[];
  };
  /** The open-loop rate of each path, and the bare throughput it was derived from (absent when given). */
  rates: Partial<Record<PathName, { rate: number; bareThroughput?: number }>>;
  quiet: QuietCheck[];
  sessions: Session[];
  runs: PathRun[];
  summaries: ConfigSummary[];
  /** Background CPU of each configuration's processes with no load (empty for a soak or with `--idle 0`). */
  idle?: IdleSummary[];
  targets: TargetCheck[];
  soak?: SoakResult;
}
