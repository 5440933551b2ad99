import { addressEnvVar, SERVICES, type BackendName, type ServiceName } from '@govrnanza/topology';
import type { EnvReader } from './config';

/** Where resilience mechanisms live: nowhere, in code, in the mesh, or both. */
export type ResilienceMode = 'none' | 'code' | 'mesh' | 'both';
export const RESILIENCE_MODES: readonly ResilienceMode[] = ['none', 'code', 'mesh', 'both'];

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Settings every service reads (the README's Configuration table). */
export interface CommonConfig {
  service: ServiceName;
  /** Bind address of the main and metrics listeners. Default 127.0.0.1. */
  host: string;
  /** Main listener port; 0 picks a free one. */
  port: number;
  /** Metrics listener port; 0 picks a free one. */
  metricsPort: number;
  logLevel: LogLevel;
  /** Redis connection URL; undefined keeps data in memory. */
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  /** How long in-flight calls may drain after SIGTERM, in ms. Default 10 000. */
  shutdownGraceMs: number;
  environment: string;
  resilience: ResilienceMode;
  /** How long idempotency-key results are kept, in ms. Default 24 h. */
  idempotencyTtlMs: number;
  faults: { enabled: boolean; rulesJson: string; token: string | undefined };
  /** How often the health status re-checks the store, in ms. Default 5000. */
  healthCheckIntervalMs: number;
  /** Prometheus metrics (METRICS=on, the default); off only to measure what they cost. */
  metrics: boolean;
}

/** Reads the settings shared by all services. */
export function readCommonConfig(env: EnvReader, service: ServiceName): CommonConfig {
  const spec = SERVICES[service];
  const faultsEnabled = env.bool('FAULTS', false);
  const token = env.optional('FAULTS_TOKEN');
  const config: CommonConfig = {
    service,
    host: env.string('HOST', '127.0.0.1'),
    port: env.int('PORT', spec.port, { min: 0, max: 65535 }),
    metricsPort: env.int('METRICS_PORT', spec.metricsPort, { min: 0, max: 65535 }),
    logLevel: env.oneOf<LogLevel>('LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'], 'info'),
    redisUrl: env.optional('REDIS_URL'),
    redisKeyPrefix: env.string('REDIS_KEY_PREFIX', `govrnanza:${service}:`),
    shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', 10_000, { min: 0, max: 600_000 }),
    environment: env.string('DEPLOYMENT_ENVIRONMENT', 'local'),
    resilience: env.oneOf('RESILIENCE', RESILIENCE_MODES, 'code'),
    idempotencyTtlMs: env.int('IDEMPOTENCY_TTL_MS', 86_400_000, { min: 1000 }),
    faults: { enabled: faultsEnabled, rulesJson: env.string('FAULT_RULES', '[]'), token },
    metrics: env.bool('METRICS', true),
    healthCheckIntervalMs: env.int('HEALTH_CHECK_INTERVAL_MS', 5000, { min: 100, max: 600_000 }),
  };
  if (faultsEnabled && token === undefined) {
    // Fault control is powerful: refuse to start it without a token.
    env.problem('FAULTS_TOKEN', 'required when FAULTS=on (the fault admin RPC checks it)');
  }
  return config;
}

/** Reads the `host:port` of a downstream (e.g. ACCOUNT_ADDR), defaulting to loopback. */
export function readDownstreamAddress(env: EnvReader, downstream: BackendName): string {
  return env.address(addressEnvVar(downstream), `127.0.0.1:${SERVICES[downstream].port}`);
}
