import { parseArgs } from 'node:util';
import type { Arrival } from './arrivalSchedule';
import type { GrpcTargetOptions } from './grpcTarget';
import type { HttpRequestSpec, HttpTargetOptions } from './httpTarget';

/** A load run as asked on the command line. */
export type LoadCommand =
  | { help: true }
  | {
      help: false;
      target: { kind: 'http'; options: HttpTargetOptions } | { kind: 'grpc'; options: GrpcTargetOptions };
      run:
        | { mode: 'open'; rate: number; arrival: Arrival; warmupMs: number; durationMs: number; maxRequests?: number; timeoutMs: number }
        | { mode: 'closed'; concurrency: number; durationMs: number; maxRequests?: number; timeoutMs: number };
      json: boolean;
    };

/** Thrown for a bad command line; the message says what is wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const OPTIONS = {
  url: { type: 'string', multiple: true },
  method: { type: 'string' },
  body: { type: 'string' },
  header: { type: 'string', multiple: true },
  connections: { type: 'string' },
  grpc: { type: 'string' },
  rpc: { type: 'string' },
  request: { type: 'string', multiple: true },
  metadata: { type: 'string', multiple: true },
  rate: { type: 'string' },
  arrival: { type: 'string' },
  closed: { type: 'boolean' },
  concurrency: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  'max-requests': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/**
 * Parses `npm run load` arguments (see LOAD_USAGE). Hosts are checked
 * for loopback later, when the target is built.
 * @throws UsageError with a clear message.
 */
export function parseLoadArgs(argv: readonly string[]): LoadCommand {
  let values: Values;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { help: true };
  return { help: false, target: targetOf(values), run: runOf(values), json: values.json ?? false };
}

function targetOf(v: Values): Extract<LoadCommand, { help: false }>['target'] {
  if (v.url && v.grpc) throw new UsageError('give either --url or --grpc, not both');
  if (v.url) return { kind: 'http', options: httpOptions(v, v.url) };
  if (v.grpc) {
    if (!v.rpc) throw new UsageError('--grpc needs --rpc /package.Service/Method');
    const json = (v.request ?? ['{}']).map((r) => parseJson('--request', r));
    return { kind: 'grpc', options: { address: v.grpc, method: v.rpc, json, metadata: pairs('--metadata', v.metadata) } };
  }
  throw new UsageError('give a target: --url URL or --grpc HOST:PORT --rpc PATH');
}

function httpOptions(v: Values, urls: string[]): HttpTargetOptions {
  const parsed = urls.map(parseHttpUrl);
  const { host, port } = parsed[0]!;
  if (parsed.some((p) => p.host !== host || p.port !== port)) throw new UsageError('every --url must be on the same host:port');
  if (v.body !== undefined) parseJson('--body', v.body);
  const headers = pairs('--header', v.header);
  const requests: HttpRequestSpec[] = parsed.map((p) => ({
    method: v.method ?? 'GET',
    path: p.path,
    headers,
    ...(v.body === undefined ? {} : { body: v.body }),
  }));
  const connections = v.connections === undefined ? undefined : integer('--connections', v.connections, 1, 10_000);
  return { host, port, requests, ...(connections === undefined ? {} : { connections }) };
}

function parseHttpUrl(url: string): { host: string; port: number; path: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--url is not a URL: ${url}`);
  }
  if (u.protocol !== 'http:') throw new UsageError(`--url must be http:, got ${u.protocol} in ${url}`);
  return { host: u.hostname, port: u.port === '' ? 80 : Number(u.port), path: `${u.pathname}${u.search}` };
}

function runOf(v: Values): Extract<LoadCommand, { help: false }>['run'] {
  const durationMs = v.duration === undefined ? 10_000 : duration('--duration', v.duration);
  const timeoutMs = v.timeout === undefined ? 5_000 : duration('--timeout', v.timeout);
  const maxRequests = v['max-requests'] === undefined ? undefined : integer('--max-requests', v['max-requests'], 1, 1e9);
  const bounds = { durationMs, timeoutMs, ...(maxRequests === undefined ? {} : { maxRequests }) };
  if (v.closed) {
    if (v.rate !== undefined || v.arrival !== undefined || v.warmup !== undefined) {
      throw new UsageError('--rate, --arrival and --warmup are for the open loop, not --closed');
    }
    return { mode: 'closed', concurrency: integer('--concurrency', v.concurrency ?? '16', 1, 10_000), ...bounds };
  }
  if (v.concurrency !== undefined) throw new UsageError('--concurrency is for --closed');
  const arrival = v.arrival ?? 'fixed';
  if (arrival !== 'fixed' && arrival !== 'poisson') throw new UsageError(`--arrival must be fixed or poisson, got ${arrival}`);
  const warmupMs = v.warmup === undefined ? 0 : duration('--warmup', v.warmup);
  return { mode: 'open', rate: number('--rate', v.rate ?? '100', 0.001, 100_000), arrival, warmupMs, ...bounds };
}

/** A duration in ms from '500ms', '10s', '2m' or a bare number of seconds. */
function duration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} must be a duration like 500ms, 10s or 2m, got "${text}"`);
  const scale = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000;
  const ms = Number(m[1]) * scale;
  if (ms < 1 || ms > 3_600_000) throw new UsageError(`${flag} must be between 1ms and 60m, got "${text}"`);
  return ms;
}

function number(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a number in [${min}, ${max}], got "${text}"`);
  }
  return n;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = number(flag, text, min, max);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} must be an integer, got "${text}"`);
  return n;
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}`);
  }
}

/** 'Name: value' pairs into a record. */
function pairs(flag: string, list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const i = item.indexOf(':');
    if (i <= 0) throw new UsageError(`${flag} must look like "Name: value", got "${item}"`);
    out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
}
