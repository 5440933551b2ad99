import { parseArgs } from 'node:util';
import { BACKENDS, START_ORDER, type BackendName, type ServiceName } from '@govrnanza/topology';
import { parseDuration } from './duration';

export const EXPERIMENT_USAGE = `npm run experiment -- <name|file.yaml> [options]

Runs a chaos experiment (experiments/<name>.yaml, format in README.md, "Chaos experiments"): for
each variant, starts the system with the variant's environment, checks the
steady state, injects the faults, measures under open-loop load, removes the
faults, checks the steady state again, and predicts each route with the
chain-cost model from the measured edges. Writes result.json, report.md and
chart.svg. Exit code 0 when every variant behaved as the experiment expects,
1 when the hypothesis failed (or held where it should break), 2 when the
experiment could not run.

Options:
  --variant NAME          only this variant (repeat for several)
  --out DIR               results folder (default results/<name>/<timestamp>)
  --gateway URL           use a running system instead of starting one (its
                          environment cannot change: variants that set their own
                          are refused); then:
    --addr SVC=HOST:PORT    a back-end's gRPC address (default: the topology's
                            ports on 127.0.0.1), for the fault admin RPC
    --metrics SVC=PORT|URL  a service's /metrics (default: the topology's
                            metrics ports on 127.0.0.1); 'none' scrapes nothing
    --token TOKEN           its FAULTS_TOKEN (default: $FAULTS_TOKEN)
  --backend local|istio   where faults go (default local: the services' fault
                          admin RPC). istio: applies the experiment's Istio
                          VirtualServices with kubectl and restores the routing
                          after; needs kubectl and a cluster (gateway default
                          http://127.0.0.1:8080, Tilt's port-forward)
  --mode MODE             with istio: the cluster's RESILIENCE (none, code,
                          mesh, both; default code), whose routing is restored
  --duration D            override the measured window (e.g. 10s)
  --warmup D              override the warm-up
  --check D               override the steady-state checks' duration
  --render-istio          print the experiment's Istio manifests and exit
  --list                  list the shipped experiments
  --verbose               print the services' log lines
  -h, --help              this text
`;

/** What the command line asks for. */
export type ExperimentCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'render-istio'; experiment: string; mode: Mode }
  | {
      kind: 'run';
      experiment: string;
      variants: string[];
      out?: string;
      backend: 'local' | 'istio';
      mode: Mode;
      running?: { gatewayUrl: string; addresses: Partial<Record<BackendName, string>>; metrics: Partial<Record<ServiceName, string>> | 'none'; token?: string };
      overrides: { durationMs?: number; warmupMs?: number; checkMs?: number };
      verbose: boolean;
    };

export type Mode = 'none' | 'code' | 'mesh' | 'both';

/** Thrown for a bad command line; the message says what is wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const OPTIONS = {
  variant: { type: 'string', multiple: true },
  out: { type: 'string' },
  gateway: { type: 'string' },
  addr: { type: 'string', multiple: true },
  metrics: { type: 'string', multiple: true },
  token: { type: 'string' },
  backend: { type: 'string' },
  mode: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  check: { type: 'string' },
  'render-istio': { type: 'boolean' },
  list: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `npm run experiment` arguments. @throws UsageError */
export function parseExperimentArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ExperimentCommand {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: 'help' };
  if (v.list) return { kind: 'list' };
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name an experiment (see --list)' : `one experiment at a time, got ${positionals.join(', ')}`);
  const experiment = positionals[0]!;
  const mode = oneOf('--mode', v.mode, ['none', 'code', 'mesh', 'both'] as const, 'code');
  if (v['render-istio']) return { kind: 'render-istio', experiment, mode };
  const backend = oneOf('--backend', v.backend, ['local', 'istio'] as const, 'local');
  if (v.mode !== undefined && backend !== 'istio') throw new UsageError('--mode is the cluster\'s resilience mode: only with --backend istio');
  const gatewayUrl = v.gateway ?? (backend === 'istio' ? 'http://127.0.0.1:8080' : undefined);
  if (gatewayUrl === undefined) {
    for (const flag of ['addr', 'metrics', 'token'] as const) if (v[flag] !== undefined) throw new UsageError(`--${flag} describes a running system: give --gateway too`);
  }
  const command: Extract<ExperimentCommand, { kind: 'run' }> = {
    kind: 'run',
    experiment,
    variants: v.variant ?? [],
    backend,
    mode,
    overrides: {
      ...(v.duration !== undefined ? { durationMs: duration('--duration', v.duration) } : {}),
      ...(v.warmup !== undefined ? { warmupMs: duration('--warmup', v.warmup) } : {}),
      ...(v.check !== undefined ? { checkMs: duration('--check', v.check) } : {}),
    },
    verbose: v.verbose ?? false,
  };
  if (v.out !== undefined) command.out = v.out;
  if (gatewayUrl !== undefined) {
    const token = v.token ?? env.FAULTS_TOKEN;
    if (backend === 'local' && !token) throw new UsageError('a running system needs its fault token: --token TOKEN or FAULTS_TOKEN');
    command.running = {
      gatewayUrl,
      addresses: pairs('--addr', v.addr, BACKENDS),
      metrics: v.metrics?.length === 1 && v.metrics[0] === 'none' ? 'none' : pairs('--metrics', v.metrics, START_ORDER),
      ...(token ? { token } : {}),
    };
  }
  return command;
}

function oneOf<T extends string>(flag: string, value: string | undefined, values: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(values as readonly string[]).includes(value)) throw new UsageError(`${flag}: expected one of ${values.join(', ')}, got "${value}"`);
  return value as T;
}

function duration(flag: string, value: string): number {
  try {
    const ms = parseDuration(value);
    if (ms < 1000) throw new Error(`at least 1s, got ${value}`);
    return ms;
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

function pairs<K extends string>(flag: string, items: string[] | undefined, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq) as K;
    if (eq <= 0 || !keys.includes(key) || item.slice(eq + 1) === '') throw new UsageError(`${flag}: expected SERVICE=VALUE with SERVICE one of ${keys.join(', ')}, got "${item}"`);
    out[key] = item.slice(eq + 1);
  }
  return out;
}
