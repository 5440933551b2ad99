import { describe, expect, it } from 'vitest';
import type { LoadTarget, RequestOutcome } from './LoadTarget';
import { runClosedLoop } from './runClosedLoop';

/** A fake target answering after `ms`, tracking how many requests overlap. */
function fakeTarget(ms: number): LoadTarget & { maxConcurrent: number } {
  let current = 0;
  const t = {
    description: 'fake',
    maxConcurrent: 0,
    send: (): Promise<RequestOutcome> => {
      current++;
      t.maxConcurrent = Math.max(t.maxConcurrent, current);
      return new Promise((resolve) =>
        setTimeout(() => {
          current--;
          resolve({ ok: true, code: 'OK' });
        }, ms),
      );
    },
    close: async () => undefined,
  };
  return t;
}

describe('runClosedLoop', () => {
  it('keeps exactly `concurrency` requests in flight, back to back', async () => {
    const target = fakeTarget(20);
    const report = await runClosedLoop({ target, concurrency: 4, durationMs: 500 });
    expect(target.maxConcurrent).toBe(4);
    // 4 workers × ~25 requests of 20 ms in 500 ms (timers fire a little late).
    expect(report.requests.sent).toBeGreaterThan(60);
    expect(report.requests.sent).toBeLessThanOrEqual(104);
    expect(report.requests.completed).toBe(report.requests.sent);
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(19);
    expect(report.mode).toBe('closed');
    expect(report.fellBehind).toBe(false);
  });

  it('stops at maxRequests', async () => {
    const report = await runClosedLoop({ target: fakeTarget(1), concurrency: 8, durationMs: 10_000, maxRequests: 30 });
    expect(report.requests.sent).toBe(30);
    expect(report.codes).toEqual({ OK: 30 });
  });

  it('rejects a bad concurrency', async () => {
    await expect(runClosedLoop({ target: fakeTarget(1), concurrency: 0 })).rejects.toThrow(/concurrency must be/);
  });
});
