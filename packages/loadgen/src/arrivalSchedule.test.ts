import { describe, expect, it } from 'vitest';
import { arrivalSchedule } from './arrivalSchedule';

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('arrivalSchedule', () => {
  it('spaces fixed arrivals exactly 1000 / rate ms apart, within the duration', () => {
    const times = [...arrivalSchedule({ rate: 200, durationMs: 1000 })];
    expect(times).toHaveLength(200);
    expect(times[0]).toBe(0);
    expect(times[1]).toBe(5);
    expect(times[199]).toBe(995);
  });

  it('stops at maxRequests', () => {
    expect([...arrivalSchedule({ rate: 1000, durationMs: 60_000, maxRequests: 7 })]).toHaveLength(7);
  });

  it('draws Poisson arrivals: exponential gaps of mean 1000 / rate (coefficient of variation ≈ 1)', () => {
    const times = [...arrivalSchedule({ rate: 500, durationMs: 40_000, arrival: 'poisson', random: seeded(11) })];
    const gaps = times.map((t, i) => t - (i === 0 ? 0 : times[i - 1]!));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(Math.abs(times.length / 20_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean / 2 - 1)).toBeLessThan(0.03);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.05);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });
});
