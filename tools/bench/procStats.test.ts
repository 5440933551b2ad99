import { describe, expect, it } from 'vitest';
import { mainThreadSchedMs, processCpuMs, processThreadsRunningMs } from './procStats';

/** Where the busy loop's result goes, so the loop is not optimised away. */
let sink = 0;

/** Keeps this thread busy until the process has used `ms` more CPU (or `capMs` of wall time passed). */
function burn(ms: number, capMs: number): number {
  const start = process.cpuUsage();
  const until = Date.now() + capMs;
  let x = 0;
  for (;;) {
    for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + i);
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms || Date.now() > until) {
      sink += x;
      return (used.user + used.system) / 1000;
    }
  }
}

describe('procStats', () => {
  it("reads this process's CPU and its main thread's time on a core, both growing with the work done", () => {
    const cpu0 = processCpuMs(process.pid)!;
    const sched0 = mainThreadSchedMs(process.pid);
    const threads0 = processThreadsRunningMs(process.pid)!;
    expect(sched0, 'the kernel keeps no scheduler statistics (/proc/<pid>/task/<pid>/schedstat)').toBeDefined();
    // CPU time, not wall time: a worker preempted by other tests still does the same work.
    const used = burn(150, 5_000);
    expect(used).toBeGreaterThanOrEqual(150);
    const sched1 = mainThreadSchedMs(process.pid)!;
    // The busy loop ran on this (the main) thread: nearly all of the process's CPU is its time on a core.
    expect(sched1.runningMs - sched0!.runningMs).toBeGreaterThan(0.8 * 150);
    expect(sched1.waitingMs).toBeGreaterThanOrEqual(sched0!.waitingMs);
    // Every thread's time on a core, the main thread's included, in ns rather than ticks.
    expect(processThreadsRunningMs(process.pid)! - threads0).toBeGreaterThan(0.8 * 150);
    expect(processThreadsRunningMs(2 ** 22 + 12345)).toBeUndefined();
    // /proc counts in clock ticks (10 ms).
    expect(processCpuMs(process.pid)! - cpu0).toBeGreaterThanOrEqual(150 - 20);
    expect(mainThreadSchedMs(2 ** 22 + 12345)).toBeUndefined();
  });
});
