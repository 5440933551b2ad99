import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { processCpuMs } from './procStats';
import { foreignCores } from './quiet';

describe('foreignCores', () => {
  it("does not count the bench's own processes as other work", async () => {
    // A process of the bench's, busy (a service collecting garbage after a run, say).
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    try {
      await once(busy, 'spawn');
      const pid = busy.pid!;
      await new Promise((r) => setTimeout(r, 200));
      const before = processCpuMs(pid)!;
      // One window for both: the difference is what the busy process used in it.
      const [all, others] = await Promise.all([foreignCores(1_000), foreignCores(1_000, [pid])]);
      const used = (processCpuMs(pid)! - before) / 1_000;
      expect(used, 'the busy process never got a core').toBeGreaterThan(0.2);
      expect(all - others).toBeGreaterThan(used * 0.6);
      expect(all - others).toBeLessThan(used * 1.4 + 0.05);
    } finally {
      busy.kill('SIGKILL');
    }
  });
});
