import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { addressEnvVar, BACKENDS, SERVICES, START_ORDER, type ServiceName } from '@govrnanza/topology';
import { freePort } from './freePort';
import { grpcHealth, httpStatus } from './health';
import { onOutputLines } from './outputLines';

const ROOT = resolve(__dirname, '..', '..');
const PRELOAD = join(ROOT, 'packages', 'telemetry', 'src', 'preload.ts');

/** Every service process started by this process, killed when it exits (one listener for all). */
const LIVE = new Set<ChildProcess>();
process.once('exit', () => LIVE.forEach((c) => c.kill('SIGKILL')));

/** Where one service listens. */
export interface Endpoint {
  port: number;
  metricsPort: number;
}

export interface SystemOptions {
  /** 'default' uses the topology's ports; 'ephemeral' picks free ones (tests). */
  ports?: 'default' | 'ephemeral';
  /** Environment for every service (on top of the launcher's own). */
  env?: NodeJS.ProcessEnv;
  /** Extra environment per service. */
  serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  /** Forward each service's output lines here (default: kept in memory only). */
  onLine?: (service: ServiceName, line: string) => void;
  /** How long to wait for every service to report SERVING, in ms. Default 30 000. */
  readyTimeoutMs?: number;
}

/** A running local system: five processes on 127.0.0.1. */
export interface RunningSystem {
  endpoints: Record<ServiceName, Endpoint>;
  gatewayUrl: string;
  /** `host:port` of a back-end's gRPC listener. */
  address(service: ServiceName): string;
  /** Output lines of a service so far. */
  output(service: ServiceName): string[];
  process(service: ServiceName): ChildProcess;
  /** Sends `signal` to a service and resolves with its exit code. */
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts a stopped service again on the same ports and waits until it serves. */
  restart(service: ServiceName, env?: NodeJS.ProcessEnv): Promise<void>;
  /** Stops every service (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the five services as separate Node processes on 127.0.0.1 and
 * waits until every health check reports SERVING.
 */
export async function startSystem(opts: SystemOptions = {}): Promise<RunningSystem> {
  // Ephemeral ports are checked free when picked, but another process may
  // still bind one first: start again on other ports, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (opts.ports !== 'ephemeral' || attempt >= 3 || !String((err as Error).message).includes('EADDRINUSE')) throw err;
    }
  }
}

async function startOnce(opts: SystemOptions): Promise<RunningSystem> {
  const endpoints = {} as Record<ServiceName, Endpoint>;
  for (const name of START_ORDER) {
    endpoints[name] =
      opts.ports === 'ephemeral'
        ? { port: await freePort(), metricsPort: await freePort() }
        : { port: SERVICES[name].port, metricsPort: SERVICES[name].metricsPort };
  }
  const addresses: NodeJS.ProcessEnv = {};
  for (const b of BACKENDS) addresses[addressEnvVar(b)] = `127.0.0.1:${endpoints[b].port}`;
  const procs = new Map<ServiceName, ChildProcess>();
  const lines = new Map<ServiceName, string[]>(START_ORDER.map((n) => [n, []]));
  const timeout = opts.readyTimeoutMs ?? 30_000;

  const launch = async (name: ServiceName, extra: NodeJS.ProcessEnv = {}): Promise<void> => {
    const env = {
      ...process.env,
      OTEL_SERVICE_NAME: name,
      ...opts.env,
      ...addresses,
      ...opts.serviceEnv?.[name],
      ...extra,
      HOST: '127.0.0.1',
      PORT: String(endpoints[name].port),
      METRICS_PORT: String(endpoints[name].metricsPort),
    };
    // One process per service: tsx's CommonJS hook compiles TypeScript in-process.
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '--require', PRELOAD, join(ROOT, 'services', name, 'src', 'main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    procs.set(name, child);
    // Own process group (detached): a Ctrl-C in the terminal reaches the launcher
    // only, which then stops the services in order. They die with it regardless.
    LIVE.add(child);
    child.once('exit', () => LIVE.delete(child));
    const sink = lines.get(name)!;
    onOutputLines(child, (l) => {
      sink.push(l);
      opts.onLine?.(name, l);
    });
    await waitReady(name, endpoints[name], child, timeout, () => sink.slice(-20).join('\n'));
  };

  const stopOne = (name: ServiceName, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> => {
    const child = procs.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((res) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', (code) => {
        clearTimeout(killer);
        res(code);
      });
      child.kill(signal);
    });
  };

  const system: RunningSystem = {
    endpoints,
    gatewayUrl: `http://127.0.0.1:${endpoints.gateway.port}`,
    address: (s) => `127.0.0.1:${endpoints[s].port}`,
    output: (s) => [...lines.get(s)!],
    process: (s) => procs.get(s)!,
    kill: (s, signal = 'SIGTERM') => stopOne(s, signal),
    restart: (s, env) => launch(s, env),
    async stop(graceMs = 15_000) {
      for (const name of [...START_ORDER].reverse()) await stopOne(name, 'SIGTERM', graceMs);
    },
  };
  try {
    // All at once: channels connect lazily and reconnect, so no service needs
    // its downstreams up to start; the system is ready when every one serves.
    await Promise.all(START_ORDER.map((name) => launch(name)));
  } catch (err) {
    await system.stop(2_000);
    throw err;
  }
  return system;
}

async function waitReady(name: ServiceName, ep: Endpoint, child: ChildProcess, timeoutMs: number, recent: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before serving:\n${recent()}`);
    last =
      SERVICES[name].protocol === 'grpc'
        ? await grpcHealth(`127.0.0.1:${ep.port}`)
        : String(await httpStatus(`http://127.0.0.1:${ep.port}/healthz`));
    if (last === 'SERVING' || last === '200') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not report SERVING within ${timeoutMs} ms (last: ${last}):\n${recent()}`);
}
