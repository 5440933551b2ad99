import { describe, expect, it } from 'vitest';
import { attemptDeadline, callDeadline, remainingMs, retryFits } from './deadline';

describe('deadline arithmetic', () => {
  it('passes the caller deadline minus the margin, never widening it', () => {
    expect(callDeadline(10_000, 10)).toBe(9_990);
    expect(callDeadline(Infinity, 10)).toBe(Infinity);
  });

  it('caps an attempt at its timeout and at the call deadline', () => {
    expect(attemptDeadline(10_000, 300, 1_000)).toBe(1_300);
    expect(attemptDeadline(1_100, 300, 1_000)).toBe(1_100);
    expect(attemptDeadline(Infinity, 300, 1_000)).toBe(1_300);
    expect(attemptDeadline(10_000, 0, 1_000)).toBe(10_000);
  });

  it('computes what is left and whether a retry after backoff still fits', () => {
    expect(remainingMs(1_500, 1_000)).toBe(500);
    expect(remainingMs(Infinity, 1_000)).toBe(Infinity);
    expect(retryFits(1_500, 200, 5, 1_000)).toBe(true);
    expect(retryFits(1_200, 200, 5, 1_000)).toBe(false);
  });
});
