import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc CPU times (`getconf CLK_TCK`; 100 on Linux unless told otherwise). */
export const CLOCK_TICKS: number = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used so far, in ms; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * Time a process's main thread (where Node runs its JavaScript) has spent on a
 * core and waiting in the run queue for one, in ms, from the scheduler's
 * statistics; undefined once it is gone or where the kernel keeps none.
 */
export function mainThreadSchedMs(pid: number): { runningMs: number; waitingMs: number } | undefined {
  const t = threadSchedNs(pid, pid);
  return t && { runningMs: t.running / 1e6, waitingMs: t.waiting / 1e6 };
}

/** One thread's time on a core and waiting in the run queue for one, in ns (`/proc/<pid>/task/<tid>/schedstat`); undefined when unreadable. */
function threadSchedNs(pid: number, tid: number | string): { running: number; waiting: number } | undefined {
  try {
    const [running, waiting] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return Number.isFinite(running) && Number.isFinite(waiting) ? { running: running!, waiting: waiting! } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Time all of a process's threads have spent on a core, in ms, from the
 * scheduler's statistics (nanoseconds, where /proc/<pid>/stat counts 10 ms
 * ticks: precise enough for a few seconds of a nearly idle process);
 * undefined once it is gone or where the kernel keeps none.
 */
export function processThreadsRunningMs(pid: number): number | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  // A thread that ended since the directory was read counts nothing.
  const ns = tasks.reduce((sum, tid) => sum + (threadSchedNs(pid, tid)?.running ?? 0), 0);
  return ns > 0 ? ns / 1e6 : undefined;
}

/** Resident set size of a process, in bytes; undefined once it is gone. */
export function processRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Machine-wide CPU time since boot, in ms summed over cores: busy (not idle, not iowait) and total. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest times are already in user).
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: ((total - idle) * 1000) / CLOCK_TICKS, total: (total * 1000) / CLOCK_TICKS };
}

/** The 1-, 5- and 15-minute load averages. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return [a ?? 0, b ?? 0, c ?? 0];
}
