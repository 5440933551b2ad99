import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The variables valgrind names its control pipes after (`vgdb-pipe-…-by-<user>-on-<host>`),
 * as the process under valgrind has them: `callgrind_control` must use the same ones
 * to find the process (a stack service runs with HOST=127.0.0.1, for instance).
 */
const PIPE_NAME_VARIABLES = ['LOGNAME', 'USER', 'HOST', 'HOSTNAME'];

function pipeNameEnv(pid: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' };
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0 && PIPE_NAME_VARIABLES.includes(entry.slice(0, eq))) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/**
 * Sends one command to a process running under callgrind: `on` and `off`
 * switch collection, `dump` writes what was collected since the last dump
 * (`<out-file>.N`) and starts counting from zero again.
 */
export async function callgrindControl(pid: number, command: 'on' | 'off' | 'dump'): Promise<void> {
  const args = command === 'dump' ? ['-d', String(pid)] : ['-i', command, String(pid)];
  const { stdout, stderr } = await run('callgrind_control', args, { env: pipeNameEnv(pid), timeout: 60_000 });
  if (/error|failed|no active/i.test(`${stdout}${stderr}`)) throw new Error(`callgrind_control ${args.join(' ')}: ${`${stdout}${stderr}`.trim()}`);
}

/** What a process executed, by what executed it (self cost of every function in a dump). */
export interface InstructionParts {
  total: number;
  /** V8's optimizing compiler (TurboFan: `v8::internal::compiler::…`). */
  compiler: number;
  /** V8's garbage collector: marking, scavenging, sweeping, evacuation, the heap's own bookkeeping. */
  gc: number;
}

const COMPILER = /v8::internal::(?:compiler|maglev)::/;
const GC =
  /v8::internal::(?:Heap::|Heap[A-Z]\w*::|\w*(?:Marking|Marker|Scaveng|Sweep|Evacuat|Collector|Compactor|RememberedSet|SlotSet|GCTracer)\w*|\w*<v8::internal::\w*(?:Marking|Scaveng|Evacuat)\w*)|IterateObjectCache/;

/** Which part a function of a dump belongs to, by its (demangled) name. */
export function instructionPart(fn: string): 'compiler' | 'gc' | 'rest' {
  if (COMPILER.test(fn)) return 'compiler';
  if (GC.test(fn)) return 'gc';
  return 'rest';
}

/** One caller's calls to one callee in a dump: how many, and what they executed (the callee's inclusive cost). */
export interface CallgrindCall {
  caller: string;
  callee: string;
  calls: number;
  inclusive: number;
}

/**
 * What a callgrind dump (one event, Ir) says: the instructions each function
 * executed itself, and every call from one function to another. Every cost
 * line adds to the function it is under, except the line after `calls=`,
 * which is the inclusive cost of a call (already counted in the callee) and
 * goes to that call. Names are compressed as `(id) name` the first time (in
 * `fn=` or `cfn=`) and `(id)` after; a function callgrind could not name
 * (JIT-compiled code) is its address, `0x…`. The functions must add up to
 * the dump's `totals:` line, which is checked (its `summary:` line can be a
 * few thousand lower: callgrind's own dump request). The calls are collected
 * only when `want.calls` (empty otherwise: the bench reads every dump for its
 * totals alone).
 */
export function readCallgrind(file: string, want: { calls: boolean } = { calls: false }): { total: number; byFunction: Map<string, number>; calls: CallgrindCall[] } {
  const text = readFileSync(file, 'utf8');
  const names = new Map<string, string>();
  const byFunction = new Map<string, number>();
  const byCall = new Map<string, CallgrindCall>();
  let current = '';
  let callee = '';
  let own = 0;
  let pendingCalls = -1;
  // `fn=` and `cfn=` share the compressed names: either may name an id first.
  const functionName = (spec: string): string => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (!m) return spec;
    if (m[2] !== undefined) names.set(m[1]!, m[2]);
    const name = names.get(m[1]!);
    if (name === undefined) throw new Error(`${file}: function (${m[1]}) used before it is named`);
    return name;
  };
  const flush = (): void => {
    if (own !== 0) byFunction.set(current, (byFunction.get(current) ?? 0) + own);
    own = 0;
  };
  for (const line of text.split('\n')) {
    const first = line.charCodeAt(0);
    // Cost lines start with a position: a digit, '+', '-' or '*'.
    if ((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 42) {
      const cost = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (pendingCalls >= 0) {
        // The call's inclusive cost: already counted under the callee.
        if (want.calls) {
          const key = `${current}\0${callee}`;
          const call = byCall.get(key) ?? { caller: current, callee, calls: 0, inclusive: 0 };
          call.calls += pendingCalls;
          if (Number.isFinite(cost)) call.inclusive += cost;
          byCall.set(key, call);
        }
        pendingCalls = -1;
        continue;
      }
      if (Number.isFinite(cost)) own += cost;
      continue;
    }
    if (line.startsWith('fn=')) {
      flush();
      current = functionName(line.slice(3));
    } else if (line.startsWith('cfn=')) {
      callee = functionName(line.slice(4));
    } else if (line.startsWith('calls=')) {
      pendingCalls = Number(line.slice(6, line.indexOf(' ') === -1 ? undefined : line.indexOf(' ')));
    }
  }
  flush();
  const totals = /^totals: (\d+)/m.exec(text);
  if (!totals) throw new Error(`${file}: no totals line (not a callgrind dump, or cut short)`);
  let total = 0;
  for (const n of byFunction.values()) total += n;
  if (total !== Number(totals[1])) throw new Error(`${file}: the functions' instructions add up to ${total}, the dump's totals say ${totals[1]}`);
  return { total, byFunction, calls: [...byCall.values()] };
}

/** The instructions each function of a callgrind dump executed itself (see `readCallgrind`). */
export function callgrindSelfCost(file: string): { total: number; byFunction: Map<string, number> } {
  const { total, byFunction } = readCallgrind(file);
  return { total, byFunction };
}

/** A dump split into the optimizing compiler, the garbage collector and the rest (see `instructionPart`). */
export function callgrindParts(file: string): InstructionParts {
  const { total, byFunction } = callgrindSelfCost(file);
  const parts = { compiler: 0, gc: 0, rest: 0 };
  for (const [fn, n] of byFunction) parts[instructionPart(fn)] += n;
  return { total, compiler: parts.compiler, gc: parts.gc };
}
