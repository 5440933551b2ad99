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

/** The instructions counted in one callgrind dump (its `summary:` or `totals:` line). */
export function callgrindInstructions(file: string): number {
  const m = readFileSync(file, 'utf8').match(/^(?:summary|totals): (\d+)/m);
  if (!m) throw new Error(`${file}: no instruction total (not a callgrind dump, or collection was off)`);
  return Number(m[1]);
}
