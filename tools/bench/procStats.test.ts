import { describe, expect, it } from 'vitest';
import { mainThreadSchedMs, processCpuMs } from './procStats';

describe('procStats', () => {
  it("reads this process's CPU and its main thread's time on a core, both growing with work", () => {
    const cpu0 = processCpuMs(process.pid)!;
    const sched0 = mainThreadSchedMs(process.pid);
    expect(sched0, 'the kernel keeps no scheduler statistics (/proc/<pid>/task/<pid>/schedstat)').toBeDefined();
    const until = Date.now() + 150;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const sched1 = mainThreadSchedMs(process.pid)!;
    // 150 ms of busy loop: at least most of it on a core (generous bounds; ticks are 10 ms).
    expect(sched1.runningMs - sched0!.runningMs).toBeGreaterThan(100);
    expect(sched1.waitingMs).toBeGreaterThanOrEqual(sched0!.waitingMs);
    expect(processCpuMs(process.pid)! - cpu0).toBeGreaterThan(80);
    expect(mainThreadSchedMs(2 ** 22 + 12345)).toBeUndefined();
  });
});
