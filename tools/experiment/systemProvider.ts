import { randomBytes } from 'node:crypto';
import { BACKENDS, SERVICES, START_ORDER, type BackendName, type ServiceName } from '@govrnanza/topology';
import { startSystem } from '../launcher/system';
import type { FaultBackend } from './faultBackend';
import { localFaults } from './localFaults';

/** A system an experiment runs against, however it was reached. */
export interface SystemHandle {
  gateway: { host: string; port: number; url: string };
  /** The /metrics URL of each service that has one reachable. */
  metricsUrls: Partial<Record<ServiceName, string>>;
  faults: FaultBackend;
  /** Stops the system if the runner started it; otherwise only releases it. */
  close(): Promise<void>;
}

/** Gives the runner a system per environment. */
export interface SystemProvider {
  /** 'started': the runner starts a system per environment; 'running': one given system, whose environment the runner cannot change. */
  readonly kind: 'started' | 'running';
  open(env: Readonly<Record<string, string>>): Promise<SystemHandle>;
}

/** Where a running system listens (loopback). */
export interface RunningEndpoints {
  gatewayUrl: string;
  /** `host:port` of each back-end's gRPC listener (for the fault admin RPC). */
  addresses: Record<BackendName, string>;
  /** /metrics URL per service; a service left out is not scraped. */
  metricsUrls: Partial<Record<ServiceName, string>>;
}

/** The endpoints of a system started with `npm start` (the topology's default ports). */
export function defaultEndpoints(): RunningEndpoints {
  const addresses = Object.fromEntries(BACKENDS.map((b) => [b, `127.0.0.1:${SERVICES[b].port}`])) as Record<BackendName, string>;
  const metricsUrls = Object.fromEntries(START_ORDER.map((s) => [s, `http://127.0.0.1:${SERVICES[s].metricsPort}/metrics`]));
  return { gatewayUrl: `http://127.0.0.1:${SERVICES.gateway.port}`, addresses, metricsUrls };
}

/**
 * Starts the five services as processes on ephemeral loopback ports, with
 * faults switched on (a fresh token per system) and LOG_LEVEL warn unless the
 * environment says otherwise, once per environment asked.
 */
export function startedSystems(options: { onLine?: (service: ServiceName, line: string) => void } = {}): SystemProvider {
  return {
    kind: 'started',
    async open(env) {
      const token = randomBytes(16).toString('hex');
      const start = () =>
        startSystem({
          ports: 'ephemeral',
          env: { LOG_LEVEL: 'warn', ...env, FAULTS: 'on', FAULTS_TOKEN: token },
          ...(options.onLine ? { onLine: options.onLine } : {}),
        });
      // A free port can be taken by another process between being picked and bound: try once more.
      const system = await start().catch((err: Error) => (/EADDRINUSE/.test(err.message) ? start() : Promise.reject(err)));
      const metricsUrls = Object.fromEntries(START_ORDER.map((s) => [s, `http://127.0.0.1:${system.endpoints[s].metricsPort}/metrics`]));
      return {
        gateway: { host: '127.0.0.1', port: system.endpoints.gateway.port, url: system.gatewayUrl },
        metricsUrls,
        faults: localFaults((s) => system.address(s), token),
        close: () => system.stop(5_000),
      };
    },
  };
}

/** A system already running (npm start, or a cluster's port-forwards), faults through `faults`. */
export function runningSystem(endpoints: RunningEndpoints, faults: FaultBackend): SystemProvider {
  const url = new URL(endpoints.gatewayUrl);
  if (url.protocol !== 'http:') throw new Error(`--gateway must be an http:// URL, got ${endpoints.gatewayUrl}`);
  const port = Number(url.port || 80);
  return {
    kind: 'running',
    async open() {
      return {
        gateway: { host: url.hostname.replace(/^\[|\]$/g, ''), port, url: `${url.protocol}//${url.host}` },
        metricsUrls: endpoints.metricsUrls,
        faults,
        close: async () => {},
      };
    },
  };
}
