/**
 * A real Prometheus for tests: the `prometheus` binary on a free loopback
 * port, a temporary data directory, a generated config scraping the given
 * targets every second and loading Govrnanza's rules. Always `stop()` it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../../tools/launcher/freePort';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** Govrnanza's rule files, loaded unless told otherwise. */
export const RULES_DIR = join(REPO_ROOT, 'deploy', 'prometheus', 'rules');

export interface PrometheusOptions {
  /** `host:port` addresses serving `/metrics`. */
  targets: string[];
  /** Directory of `*.yml` rule files; default {@link RULES_DIR}. */
  rulesDir?: string;
  /**
   * Keep each rule group's own `interval` (e.g. 30 s for the long SLO
   * windows). Default false: every group is evaluated at the harness's
   * interval, so a test need not wait for slow groups.
   */
  keepGroupIntervals?: boolean;
  /** Scrape and rule evaluation interval in seconds; default 1. */
  intervalSeconds?: number;
  /** How long to wait for readiness, ms; default 20 000. */
  readyTimeoutMs?: number;
}

/** One series of an instant query's result. */
export interface Sample {
  metric: Record<string, string>;
  /** The value as Prometheus printed it (may be `NaN`, `+Inf`). */
  value: number;
}

export interface RunningPrometheus {
  /** e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Evaluates `expr` now; throws on a PromQL error. */
  query(expr: string): Promise<Sample[]>;
  /** Polls `query(expr)` until `until` accepts the result; throws after `timeoutMs` (default 15 000). */
  waitFor(expr: string, until?: (s: Sample[]) => boolean, timeoutMs?: number): Promise<Sample[]>;
  /** The loaded rule groups as `/api/v1/rules` reports them. */
  rules(): Promise<RuleStatus[]>;
  /** Stops the process and deletes its data. */
  stop(): Promise<void>;
}

export interface RuleStatus {
  group: string;
  name: string;
  type: 'recording' | 'alerting';
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
}

/** Where the `prometheus` binary is: `PROMETHEUS_BIN`, else the first on PATH. */
export function findBinary(name: string, envVar?: string): string | undefined {
  const fromEnv = envVar ? process.env[envVar] : undefined;
  const candidates = fromEnv ? [fromEnv] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name));
  return candidates.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Throws unless the binary is installed; never lets a test pass without it. */
export function requireBinary(name: 'prometheus' | 'promtool'): string {
  const bin = findBinary(name, name === 'prometheus' ? 'PROMETHEUS_BIN' : 'PROMTOOL_BIN');
  if (!bin) throw new Error(`${name} not installed: run apt-get install prometheus`);
  return bin;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function get(url: string): Promise<Response | undefined> {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(2000) });
  } catch {
    return undefined;
  }
}

/** Copies the rule files into `dir`, dropping group intervals unless asked to keep them. */
function copyRules(dir: string, o: PrometheusOptions): string {
  const src = o.rulesDir ?? RULES_DIR;
  const dest = join(dir, 'rules');
  mkdirSync(dest);
  for (const f of readdirSync(src).filter((x) => x.endsWith('.yml'))) {
    const file = parse(readFileSync(join(src, f), 'utf8')) as { groups: Array<{ interval?: string }> };
    if (!o.keepGroupIntervals) for (const g of file.groups) delete g.interval;
    writeFileSync(join(dest, f), stringify(file, { lineWidth: 0 }));
  }
  return join(dest, '*.yml');
}

function writeConfig(dir: string, o: PrometheusOptions): string {
  const interval = `${o.intervalSeconds ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: [copyRules(dir, o)],
    scrape_configs: [{ job_name: 'govrnanza', static_configs: [{ targets: o.targets }] }],
  };
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, stringify(config));
  return path;
}

interface Launch {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

function launch(bin: string, config: string, dataDir: string, port: number): Launch {
  const child = spawn(
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => log };
}

async function waitReady(url: string, l: Launch, timeoutMs: number): Promise<boolean> {
  let dead = false;
  void l.exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !dead) {
    if ((await get(`${url}/-/ready`))?.ok) return true;
    await sleep(100);
  }
  return false;
}

async function stopChild(l: Launch): Promise<void> {
  if (l.child.exitCode !== null || l.child.signalCode !== null) return;
  l.child.kill('SIGTERM');
  const timer = setTimeout(() => l.child.kill('SIGKILL'), 5000);
  await l.exited;
  clearTimeout(timer);
}

async function query(url: string, expr: string): Promise<Sample[]> {
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr }),
  });
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
  if (body.status !== 'success' || !body.data) throw new Error(`query failed: ${body.error ?? res.status}\n${expr}`);
  const { resultType, result } = body.data;
  if (resultType === 'scalar') return [{ metric: {}, value: Number((result as [number, string])[1]) }];
  if (resultType !== 'vector') throw new Error(`unexpected result type ${resultType}`);
  return (result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Starts Prometheus and resolves once it is ready; throws with its log if it is not. */
export async function startPrometheus(o: PrometheusOptions): Promise<RunningPrometheus> {
  const bin = requireBinary('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'govrnanza-prometheus-'));
  const config = writeConfig(dir, o);
  let last = '';
  // The port is free when picked but another process may take it before
  // Prometheus binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const l = launch(bin, config, join(dir, 'data'), port);
    if (await waitReady(url, l, o.readyTimeoutMs ?? 20_000)) {
      return {
        url,
        query: (expr) => query(url, expr),
        async waitFor(expr, until = (s) => s.length > 0, timeoutMs = 15_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const r = await query(url, expr);
            if (until(r)) return r;
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${expr}; last result ${JSON.stringify(r)}`);
            await sleep(250);
          }
        },
        async rules() {
          const body = (await (await fetch(`${url}/api/v1/rules`)).json()) as {
            data: { groups: Array<{ name: string; rules: Array<{ name: string; type: RuleStatus['type']; health: RuleStatus['health']; lastError?: string }> }> };
          };
          return body.data.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, name: r.name, type: r.type, health: r.health, lastError: r.lastError })));
        },
        async stop() {
          await stopChild(l);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(l);
    last = l.output();
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`prometheus did not become ready:\n${last}`);
}
