import { describe, expect, it } from 'vitest';
import { withFallbackReserve } from './fallback';

describe('withFallbackReserve', () => {
  it('keeps back max(minMs, fraction × left) and leaves the rest of the context as it was', () => {
    let logs = 0;
    const ctx = {
      requestId: 'r1',
      deadline: Date.now() + 1_000,
      get log() {
        logs++;
        return 'logger';
      },
    };
    const derived = withFallbackReserve(ctx);
    // 10 % of ~1000 ms left = ~100 ms (more than the 50 ms floor).
    expect(ctx.deadline - derived.deadline).toBeGreaterThan(95);
    expect(ctx.deadline - derived.deadline).toBeLessThanOrEqual(100);
    expect(derived.requestId).toBe('r1');
    // Derived, not copied: the lazy logger is built only when asked for.
    expect(logs).toBe(0);
    expect(derived.log).toBe('logger');
    expect(logs).toBe(1);
    expect(withFallbackReserve({ deadline: Date.now() + 100 }, { minMs: 50, fraction: 0.1 }).deadline).toBeLessThanOrEqual(Date.now() + 50);
  });

  it('leaves a context without a deadline unchanged', () => {
    const ctx = { deadline: Infinity };
    expect(withFallbackReserve(ctx)).toBe(ctx);
  });
});
