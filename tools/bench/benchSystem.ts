import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { devNull } from 'node:os';
import path from 'node:path';
import { addressEnvVar, downstreamsOf, SERVICES, START_ORDER, type BackendName, type ServiceName } from '@govrnanza/topology';
import { freePort } from '../launcher/freePort';
import { onOutputLines } from '../launcher/outputLines';
import { grpcHealth, httpStatus } from '../launcher/health';
import type { BenchData } from '../../bench/bare/benchData';
import { ROOT, type Bundles } from './bundles';
import type { BenchConfig } from './configs';
import { pinProcess, type CpuPlacement } from './cpuPlacement';

/** One benchmarked process. */
export interface BenchProcess {
  service: ServiceName;
  pid: number;
  port: number;
  /** Lines written to stdout and stderr so far (counting per-request logging). */
  lines: number;
  /** The last lines, for error messages. */
  recent: string[];
}

/** The processes of one configuration, on ephemeral loopback ports. */
export interface BenchSystem {
  config: BenchConfig;
  processes: BenchProcess[];
  address(service: ServiceName): string;
  port(service: ServiceName): number;
  /**
   * With `allocationsDir`: samples what every process allocates while `work`
   * runs, into `<allocationsDir>/<service>-<name>.heapprofile`, and writes the
   * requests `work` reports completed in `<allocationsDir>/<name>.json`.
   * Rejects, with no process left sampling, when a process does not answer.
   */
  sampleAllocations?(name: string, work: () => Promise<number>): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: BenchConfig;
  services: readonly ServiceName[];
  bundles: Bundles;
  /** Where tracing configurations export spans (the bench's sink). */
  otlpUrl: string;
  /** The data set of bare processes. */
  bareData: BenchData;
  readyTimeoutMs?: number;
  /** Cores each process is restricted to; unset or not named: anywhere. */
  placement?: CpuPlacement;
  /** Write a V8 CPU profile of each process into this directory (at exit). */
  cpuProfDir?: string;
  /** Preload the allocation sampler into each process and sample into this directory (see `sampleAllocations`). */
  allocationsDir?: string;
  /**
   * Run each process under valgrind's callgrind, collecting nothing until told
   * (`callgrind_control -i on <pid>`), its dumps written into this directory as
   * `<service>.<pid>.callgrind[.N]` (see instructions.ts).
   */
  callgrindDir?: string;
  /** Node and V8 flags for every process, bare and stack alike. */
  nodeFlags?: readonly string[];
}

/** The allocation sampler preloaded with `allocationsDir` (plain CommonJS, see the file). */
const ALLOCATION_SAMPLER = path.join(ROOT, 'tools', 'bench', 'allocationSampler.cjs');

/**
 * Starts the given services of one configuration, each its own Node process
 * on 127.0.0.1, as the images run them (`node --enable-source-maps --require
 * preload.js <service>.js`, NODE_ENV=production) for the stack, and
 * `node --enable-source-maps bare-<service>.js` for the bare reference. Each
 * gets only the environment it needs, so nothing in the caller's environment
 * changes what is measured. Resolves when every process serves.
 */
export async function startBenchSystem(opts: StartOptions): Promise<BenchSystem> {
  const services = START_ORDER.filter((s) => opts.services.includes(s));
  const ports = new Map<ServiceName, { port: number; metricsPort: number }>();
  for (const s of services) ports.set(s, { port: await freePort(), metricsPort: await freePort() });
  const port = (s: ServiceName): number => {
    const p = ports.get(s);
    if (!p) throw new Error(`${s} is not part of this benchmark system`);
    return p.port;
  };
  const address = (s: ServiceName): string => `127.0.0.1:${port(s)}`;
  const children: ChildProcess[] = [];
  const processes: BenchProcess[] = [];
  const waiters = new Map<ChildProcess, ((line: string) => void)[]>();
  if (opts.callgrindDir) mkdirSync(opts.callgrindDir, { recursive: true });
  const killAll = (): void => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);

  const launch = (service: ServiceName): Promise<void> => {
    const env = processEnv(opts, service, ports);
    const diagnostics = [
      ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`, `--cpu-prof-name=${service}.cpuprofile`] : []),
      ...(opts.allocationsDir ? ['--require', ALLOCATION_SAMPLER] : []),
      ...(opts.callgrindDir ? [...CALLGRIND_NODE_FLAGS, ...v8LogFlags(opts.callgrindDir, service)] : []),
      ...(opts.nodeFlags ?? []),
    ];
    const args =
      opts.config.kind === 'bare'
        ? [...diagnostics, '--enable-source-maps', opts.bundles.bare(service)]
        : [...diagnostics, '--enable-source-maps', '--require', opts.bundles.preload, opts.bundles.stack(service)];
    const [command, argv] = opts.callgrindDir ? ['valgrind', [...callgrindArgs(opts.callgrindDir, service), process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(command, argv, { cwd: ROOT, env, stdio: [opts.allocationsDir ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    children.push(child);
    waiters.set(child, []);
    const cores = opts.placement?.[service];
    // Before it serves; threads it starts later inherit the restriction.
    if (cores !== undefined) pinProcess(child.pid!, cores);
    const proc: BenchProcess = { service, pid: child.pid!, port: port(service), lines: 0, recent: [] };
    processes.push(proc);
    let bareReady = false;
    onOutputLines(child, (line) => {
      proc.lines++;
      proc.recent.push(line);
      if (proc.recent.length > 30) proc.recent.shift();
      if (line.startsWith('ready ')) bareReady = true;
      for (const waiter of waiters.get(child)!) waiter(line);
    });
    const ready = async (): Promise<boolean> => {
      if (opts.config.kind === 'bare') return bareReady;
      if (SERVICES[service].protocol === 'http') return (await httpStatus(`http://${address(service)}/healthz`)) === 200;
      return (await grpcHealth(address(service))) === 'SERVING';
    };
    return waitReady(service, child, proc, ready, opts.readyTimeoutMs ?? 30_000);
  };

  const system: BenchSystem = {
    config: opts.config,
    processes,
    address,
    port,
    ...(opts.allocationsDir ? { sampleAllocations: allocationSampling(opts.allocationsDir, children, processes, waiters) } : {}),
    async stop() {
      await Promise.all(children.map(stopChild));
      process.removeListener('exit', killAll);
      if (opts.callgrindDir) for (const p of processes) keepPerfMap(p, opts.callgrindDir);
    },
  };
  try {
    await Promise.all(services.map(launch));
  } catch (err) {
    await system.stop();
    throw err;
  }
  // Every process counts its lines from here on: start-up logging is not per request.
  for (const p of processes) p.lines = 0;
  return system;
}

/**
 * Node's flags under callgrind. A process there serves 20–50 times fewer
 * requests per second, so what V8 does by the clock rather than by the work
 * (the memory reducer's full collections when allocation is slow, which
 * also throw away optimized code and bytecode that then has to be made
 * again) would weigh 20–50 times more per request than it does without
 * valgrind. `--perf-basic-prof` writes where V8 put each piece of compiled
 * code (`/tmp/perf-<pid>.map`), which callgrind can only name by address;
 * the map is kept beside the dumps (see `keepPerfMap`).
 */
export const CALLGRIND_NODE_FLAGS = ['--no-memory-reducer', '--no-flush-bytecode', '--perf-basic-prof'];

/**
 * `--perf-basic-prof` also opens V8's log, by default `isolate-…-v8.log` in
 * the working directory (the repository): it goes beside the dumps instead.
 */
function v8LogFlags(dir: string, service: ServiceName): string[] {
  return ['--no-logfile-per-isolate', `--logfile=${path.resolve(dir, `${service}.v8.log`)}`];
}

/** Moves a stopped process's `/tmp/perf-<pid>.map` beside its dumps, as `<service>.<pid>.perf.map`. */
function keepPerfMap(p: BenchProcess, dir: string): void {
  const from = `/tmp/perf-${p.pid}.map`;
  if (!existsSync(from)) return;
  copyFileSync(from, path.join(dir, `${p.service}.${p.pid}.perf.map`));
  rmSync(from, { force: true });
}

/** Valgrind's arguments for one process under callgrind, collecting nothing until switched on. */
export function callgrindArgs(dir: string, service: ServiceName): string[] {
  return ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${path.resolve(dir, `${service}.%p.callgrind`)}`, '--quiet'];
}

/** `BenchSystem.sampleAllocations` over the children's stdin and stdout (see allocationSampler.cjs). */
function allocationSampling(dir: string, children: ChildProcess[], processes: BenchProcess[], waiters: Map<ChildProcess, ((line: string) => void)[]>) {
  mkdirSync(dir, { recursive: true });
  const command = (child: ChildProcess, service: ServiceName, line: string, ack: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const list = waiters.get(child)!;
      const exited = (): void => done(new Error(`${service} exited before "${ack}"`));
      const done = (err?: Error): void => {
        clearTimeout(timer);
        child.removeListener('exit', exited);
        list.splice(list.indexOf(waiter), 1);
        if (err) reject(err);
        else resolve();
      };
      const waiter = (out: string): void => {
        if (out === ack) done();
        else if (out.startsWith('allocation sampling failed')) done(new Error(`${service}: ${out}`));
      };
      const timer = setTimeout(() => done(new Error(`${service}: no "${ack}" within 30 s`)), 30_000);
      list.push(waiter);
      child.once('exit', exited);
      child.stdin!.write(`${line}\n`);
    });
  const all = (line: (service: ServiceName) => string, ack: string): Promise<unknown> =>
    Promise.all(children.map((child, i) => command(child, processes[i]!.service, line(processes[i]!.service), ack)));
  return async (name: string, work: () => Promise<number>): Promise<void> => {
    try {
      await all(() => 'start', 'allocation sampling started');
      const requests = await work();
      await all((service) => `stop ${path.resolve(dir, `${service}-${name}.heapprofile`)}`, 'allocation profile written');
      writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ requests })}\n`);
    } catch (err) {
      // Leaves no process sampling into the runs that follow (a process that was not sampling says so; ignored).
      await all(() => `stop ${devNull}`, 'allocation profile written').catch(() => undefined);
      throw err;
    }
  };
}

function processEnv(opts: StartOptions, service: ServiceName, ports: Map<ServiceName, { port: number; metricsPort: number }>): NodeJS.ProcessEnv {
  const addresses: Record<string, string> = {};
  for (const d of downstreamsOf(service) as readonly BackendName[]) {
    const p = ports.get(d);
    // A downstream outside the measured paths gets a closed port: it is never called.
    addresses[addressEnvVar(d)] = `127.0.0.1:${p?.port ?? 1}`;
  }
  const base = { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(ports.get(service)!.port), ...addresses };
  if (opts.config.kind === 'bare') return { ...base, BENCH_DATA: JSON.stringify(opts.bareData) };
  return {
    ...base,
    ...opts.config.env(opts.otlpUrl),
    OTEL_SERVICE_NAME: service,
    HOST: '127.0.0.1',
    METRICS_PORT: String(ports.get(service)!.metricsPort),
    SHUTDOWN_GRACE_MS: '1000',
  };
}

async function waitReady(service: ServiceName, child: ChildProcess, proc: BenchProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${service} exited with code ${child.exitCode} before serving:\n${proc.recent.join('\n')}`);
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${service} did not serve within ${timeoutMs} ms:\n${proc.recent.join('\n')}`);
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the process has exited. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
