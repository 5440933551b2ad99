import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hedged } from './hedge';

describe('hedged', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const after = <T>(ms: number, value: T, signal: AbortSignal, fail = false) =>
    new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new Error('cancelled'));
      });
    });

  it('sends a second attempt after the delay; the first success wins and the loser is cancelled', async () => {
    const signals: AbortSignal[] = [];
    const durations = [500, 50];
    const p = hedged((s) => (signals.push(s), after(durations[signals.length - 1]!, `attempt ${signals.length}`, s)), 100, () => true, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(160);
    await expect(p).resolves.toBe('attempt 2');
    expect(signals).toHaveLength(2);
    expect(signals[0]!.aborted).toBe(true);
  });

  it('does not hedge when the budget says no, or when the first attempt is fast', async () => {
    let calls = 0;
    const p1 = hedged((s) => (calls++, after(300, 'slow', s)), 100, () => false, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(300);
    await expect(p1).resolves.toBe('slow');
    expect(calls).toBe(1);
    const p2 = hedged((s) => (calls++, after(50, 'fast', s)), 100, () => true, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(200);
    await expect(p2).resolves.toBe('fast');
    expect(calls).toBe(2);
  });

  it('fails with the last failure when every attempt fails, and at once when the first fails before the hedge', async () => {
    const p = hedged((s) => after(150, 'e', s, true), 100, () => true, new AbortController().signal);
    const settled = p.catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(300);
    expect(await settled).toBe('e');
    let calls = 0;
    const q = hedged((s) => (calls++, after(10, 'early', s, true)), 100, () => true, new AbortController().signal).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(20);
    expect(await q).toBe('early');
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toBe(1);
  });
});
