import { CancellationSource, createCallContext, createLogger, type CallContext } from '@govrnanza/runtime';
import { describe, expect, it } from 'vitest';
import { withFallbackReserve } from './fallback';

const silent = createLogger('registry', 'silent');

function context(deadline: number, onLog: () => void = () => {}, onWatch: () => void = () => {}): CallContext {
  const log = { ...silent, child: () => (onLog(), silent) } as unknown as typeof silent;
  return createCallContext({ requestId: 'r1', deadline, log, method: 'm', cancellation: new CancellationSource(onWatch) });
}

describe('withFallbackReserve', () => {
  it('keeps back max(minMs, fraction × left) and leaves the rest of the context as it was', () => {
    let logs = 0;
    let watched = 0;
    const ctx = context(Date.now() + 1_000, () => logs++, () => watched++);
    const derived = withFallbackReserve(ctx);
    // 10 % of ~1000 ms left = ~100 ms (more than the 50 ms floor).
    expect(ctx.deadline - derived.deadline).toBeGreaterThan(95);
    expect(ctx.deadline - derived.deadline).toBeLessThanOrEqual(100);
    expect(derived.requestId).toBe('r1');
    expect(derived.trace).toBe(ctx.trace);
    // Derived, not copied: the lazy logger is built only when asked for, once for both, and the
    // cancellation is the same one, which starts watching its call only on first interest.
    expect(logs).toBe(0);
    expect(watched).toBe(0);
    expect(derived.log).toBe(ctx.log);
    expect(derived.cancellation).toBe(ctx.cancellation);
    expect(derived.cancellation.aborted).toBe(false);
    expect(derived.signal).toBe(ctx.signal);
    expect(logs).toBe(1);
    expect(watched).toBe(1);
    expect(withFallbackReserve(context(Date.now() + 100), { minMs: 50, fraction: 0.1 }).deadline).toBeLessThanOrEqual(Date.now() + 50);
  });

  it('leaves a context without a deadline unchanged', () => {
    const ctx = context(Infinity);
    expect(withFallbackReserve(ctx)).toBe(ctx);
  });
});
