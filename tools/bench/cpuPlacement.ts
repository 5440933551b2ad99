import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SERVICES, type ServiceName } from '@govrnanza/topology';

/** A process of the bench that can be placed: a service or the load generator. */
export type Placed = ServiceName | 'generator';

/** The cores each process may run on, as `taskset -c` lists (`0`, `1-3`); a process not named runs anywhere. */
export type CpuPlacement = Partial<Record<Placed, string>>;

const NAMES: readonly Placed[] = [...(Object.keys(SERVICES) as ServiceName[]), 'generator'];

/**
 * Parses `--pin`: `name=cores` pairs separated by commas, where name is a
 * service, `generator`, or `others` (every process not named), and cores a
 * core number or a range (`0`, `0-1`). Throws with what was wrong.
 */
export function parsePlacement(text: string, cores: number): CpuPlacement {
  const placement: CpuPlacement = {};
  let others: string | undefined;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, list, extra] = part.split('=');
    if (!name || !list || extra !== undefined) throw new Error(`expected name=cores, got "${part}"`);
    const m = /^(\d+)(?:-(\d+))?$/.exec(list);
    if (!m) throw new Error(`${name}: expected a core or a range of cores like 0 or 0-1, got "${list}"`);
    const high = Number(m[2] ?? m[1]);
    if (high < Number(m[1])) throw new Error(`${name}: empty range "${list}"`);
    if (high >= cores) throw new Error(`${name}: core ${high} does not exist (this machine has ${cores}: 0-${cores - 1})`);
    if (name === 'others') others = list;
    else if ((NAMES as readonly string[]).includes(name)) placement[name as Placed] = list;
    else throw new Error(`unknown process "${name}" (known: ${NAMES.join(', ')}, others)`);
  }
  if (Object.keys(placement).length === 0 && others === undefined) throw new Error('empty placement');
  if (others !== undefined) for (const n of NAMES) placement[n] ??= others;
  return placement;
}

/**
 * Restricts every thread of process `pid` to `cores` (a core or a range, as
 * `parsePlacement` accepts), and checks that the kernel says so; throws when
 * it cannot.
 */
export function pinProcess(pid: number, cores: string): void {
  const fail = (why: string): Error => new Error(`could not pin process ${pid} to cores ${cores} (taskset from util-linux): ${why}`);
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cores, String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw fail((err as Error).message);
  }
  // taskset succeeds on a process that is gone; the kernel writes `0-0` as `0`.
  const [low, high] = cores.split('-');
  const asked = high === undefined || high === low ? low : cores;
  const allowed = allowedCores(pid);
  if (allowed !== asked) throw fail(allowed === undefined ? 'the process is gone' : `the kernel allows ${allowed}`);
}

/** The cores the main thread of `pid` may run on (`Cpus_allowed_list` of /proc/<pid>/status); undefined once it is gone. */
export function allowedCores(pid: number): string | undefined {
  try {
    return /^Cpus_allowed_list:\s+(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
