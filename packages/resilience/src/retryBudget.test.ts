import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retryBudget';

describe('RetryBudget', () => {
  it('allows retries up to ratio × requests plus the floor within the window', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerWindow: 3, windowMs: 10_000, now: () => now });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    let granted = 0;
    while (budget.tryAcquire()) granted++;
    expect(granted).toBe(23); // 0.2 × 100 + 3
    now += 5_000;
    expect(budget.tryAcquire()).toBe(false);
  });

  it('keeps a dependency that is down at ≤ ~1.2× its traffic under steady load', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerWindow: 3, now: () => now });
    let attempts = 0;
    const requests = 6_000; // 100 req/s for 60 s, every attempt fails, up to 2 retries each
    for (let i = 0; i < requests; i++) {
      now += 10;
      budget.recordRequest();
      attempts++;
      for (let r = 0; r < 2 && budget.tryAcquire(); r++) attempts++;
    }
    expect(attempts / requests).toBeGreaterThan(1.15);
    expect(attempts / requests).toBeLessThanOrEqual(1.21);
  });

  it('forgets old requests as the window slides', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.5, minRetriesPerWindow: 0, windowMs: 1_000, buckets: 10, now: () => now });
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect(budget.snapshot()).toEqual({ requests: 10, retries: 0 });
    now += 1_500;
    expect(budget.snapshot().requests).toBe(0);
    expect(budget.tryAcquire()).toBe(false);
  });
});
