import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancellationSource, NEVER_CANCELLED, type Cancellation } from '@govrnanza/runtime';
import { hedged } from './hedge';

describe('hedged', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const after = <T>(ms: number, value: T, cancellation: Cancellation, fail = false) =>
    new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms);
      cancellation.onAbort(() => {
        clearTimeout(t);
        reject(new Error('cancelled'));
      });
    });

  it('sends a second attempt after the delay; the first success wins and the loser is cancelled', async () => {
    const cancellations: Cancellation[] = [];
    const durations = [500, 50];
    const p = hedged((s) => (cancellations.push(s), after(durations[cancellations.length - 1]!, `attempt ${cancellations.length}`, s)), 100, () => true, NEVER_CANCELLED);
    await vi.advanceTimersByTimeAsync(160);
    await expect(p).resolves.toBe('attempt 2');
    expect(cancellations).toHaveLength(2);
    expect(cancellations[0]!.aborted).toBe(true);
  });

  it('does not hedge when the budget says no, or when the first attempt is fast', async () => {
    let calls = 0;
    const p1 = hedged((s) => (calls++, after(300, 'slow', s)), 100, () => false, NEVER_CANCELLED);
    await vi.advanceTimersByTimeAsync(300);
    await expect(p1).resolves.toBe('slow');
    expect(calls).toBe(1);
    const p2 = hedged((s) => (calls++, after(50, 'fast', s)), 100, () => true, NEVER_CANCELLED);
    await vi.advanceTimersByTimeAsync(200);
    await expect(p2).resolves.toBe('fast');
    expect(calls).toBe(2);
  });

  it('fails with the last failure when every attempt fails, and at once when the first fails before the hedge', async () => {
    const p = hedged((s) => after(150, 'e', s, true), 100, () => true, NEVER_CANCELLED);
    const settled = p.catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(300);
    expect(await settled).toBe('e');
    let calls = 0;
    const q = hedged((s) => (calls++, after(10, 'early', s, true)), 100, () => true, NEVER_CANCELLED).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(20);
    expect(await q).toBe('early');
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toBe(1);
  });

  it("cancels every attempt when the caller gives up, and one launched after that at once", async () => {
    const caller = new CancellationSource();
    const cancellations: Cancellation[] = [];
    const p = hedged((c) => (cancellations.push(c), after(1_000, 'late', c)), 100, () => true, caller).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(150);
    expect(cancellations).toHaveLength(2);
    caller.abort(new Error('gone'));
    expect(cancellations.map((c) => c.aborted)).toEqual([true, true]);
    expect(await p).toBe('cancelled');
    const q = hedged((c) => (cancellations.push(c), after(1_000, 'never', c)), 100, () => true, caller).catch((e: Error) => e.message);
    expect(cancellations[2]!.aborted).toBe(true);
    expect(await q).toBe('cancelled');
  });
});
