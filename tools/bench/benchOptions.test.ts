import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchArgs, parseDuration } from './benchOptions';
import { roundOrder } from './runBench';

describe('bench options', () => {
  it('has defaults for a full run and a tiny one', () => {
    const full = parseBenchArgs([]);
    expect(full).toMatchObject({ help: false, options: { rounds: 3, durationMs: 10_000, concurrency: 32, rateFraction: 0.25, soakMs: 0, soakConfig: 'tracing-1pct' } });
    const quick = parseBenchArgs(['--quick']);
    expect(quick).toMatchObject({ options: { rounds: 1, durationMs: 500 } });
    // A full run measures every configuration, the A/A control included.
    if (full.help) throw new Error('unexpected help');
    expect(full.options.configs).toEqual(['bare', 'bare-control', 'resilience-off', 'resilience', 'metrics', 'tracing-1pct', 'tracing-100pct']);
  });

  it('soaks the first configuration asked that is not a bare one', () => {
    expect(parseBenchArgs(['--configs', 'bare-control,metrics', '--soak', '1m'])).toMatchObject({ options: { soakConfig: 'metrics' } });
  });

  it('always measures bare, in the documented order', () => {
    const parsed = parseBenchArgs(['--configs', 'tracing-100pct,resilience', '--paths', 'three-hop']);
    expect(parsed).toMatchObject({ options: { configs: ['bare', 'resilience', 'tracing-100pct'], paths: ['three-hop'], soakConfig: 'resilience' } });
  });

  it('reads durations and rates, and refuses what it does not know', () => {
    expect(parseDuration('5m', 'x')).toBe(300_000);
    expect(parseDuration('250ms', 'x')).toBe(250);
    expect(parseDuration('2', 'x')).toBe(2_000);
    expect(parseBenchArgs(['--rates', 'one-hop=800,fan-out=150'])).toMatchObject({ options: { rates: { 'one-hop': 800, 'fan-out': 150 } } });
    expect(() => parseBenchArgs(['--paths', 'four-hop'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--rate-fraction', '1.5'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--duration', 'soon'])).toThrow(BenchUsageError);
  });

  it('times serializers with defaults of their own, and alone', () => {
    expect(parseBenchArgs(['--serializers'])).toMatchObject({ options: { serializers: true, instructions: false, rounds: 5, durationMs: 500 } });
    expect(parseBenchArgs(['--serializers', '--quick'])).toMatchObject({ options: { serializers: true, rounds: 1, durationMs: 50 } });
    expect(parseBenchArgs(['--serializers', '--rounds', '2', '--duration', '1s'])).toMatchObject({ options: { rounds: 2, durationMs: 1_000 } });
    expect(parseBenchArgs([])).toMatchObject({ options: { serializers: false } });
    expect(() => parseBenchArgs(['--serializers', '--instructions'])).toThrow(/cannot be combined with --instructions/);
    expect(() => parseBenchArgs(['--serializers', '--paths', 'one-hop'])).toThrow(/cannot be combined with --paths/);
  });

  it('counts instructions with defaults of its own, and alone', () => {
    expect(parseBenchArgs(['--instructions'])).toMatchObject({ options: { instructions: true, rounds: 2, durationMs: 60_000, warmupMs: 60_000, idleMs: 5_000 } });
    expect(parseBenchArgs(['--instructions', '--quick'])).toMatchObject({ options: { instructions: true, rounds: 1, durationMs: 2_000, idleMs: 1_000 } });
    expect(parseBenchArgs(['--instructions', '--duration', '30s', '--idle', '2s'])).toMatchObject({ options: { durationMs: 30_000, idleMs: 2_000 } });
    expect(parseBenchArgs([])).toMatchObject({ options: { instructions: false, idleMs: 3_000 } });
    expect(() => parseBenchArgs(['--instructions', '--soak', '1m'])).toThrow(/cannot be combined with --soak/);
    expect(() => parseBenchArgs(['--instructions', '--cpu-prof', 'p'])).toThrow(/cannot be combined with --cpu-prof/);
    expect(() => parseBenchArgs(['--instructions', '--pin', 'account=0'])).toThrow(/cannot be combined with --pin/);
  });

  it('judges a soak after the warm-up asked, which must leave part of the soak to judge', () => {
    expect(parseBenchArgs(['--soak', '8m', '--soak-warmup', '3m'])).toMatchObject({ options: { soakMs: 480_000, soakWarmupMs: 180_000 } });
    expect(parseBenchArgs(['--soak', '5m'])).not.toHaveProperty('options.soakWarmupMs');
    expect(() => parseBenchArgs(['--soak-warmup', '3m'])).toThrow(/only with --soak/);
    expect(() => parseBenchArgs(['--soak', '3m', '--soak-warmup', '3m'])).toThrow(/shorter than the soak/);
  });

  it('passes Node flags to every process when asked, and only flags', () => {
    expect(parseBenchArgs(['--node-flags=--no-memory-reducer  --max-semi-space-size=32 '])).toMatchObject({ options: { nodeFlags: ['--no-memory-reducer', '--max-semi-space-size=32'] } });
    expect(parseBenchArgs([])).toMatchObject({ options: { nodeFlags: [] } });
    expect(() => parseBenchArgs(['--node-flags=--no-memory-reducer ; rm'])).toThrow(/";" is not a flag/);
    expect(() => parseBenchArgs(['--node-flags=inspect'])).toThrow(/"inspect" is not a flag/);
  });

  it('samples allocations into a directory, but not during a soak', () => {
    expect(parseBenchArgs(['--allocations', 'out/alloc'])).toMatchObject({ options: { allocationsDir: 'out/alloc' } });
    expect(parseBenchArgs([])).not.toHaveProperty('options.allocationsDir');
    expect(() => parseBenchArgs(['--allocations', 'out/alloc', '--soak', '1m'])).toThrow(/not a soak/);
  });

  it('measures background CPU for 3 s by default, half a second in a quick run, not at all with --idle 0', () => {
    expect(parseBenchArgs([])).toMatchObject({ options: { idleMs: 3_000 } });
    expect(parseBenchArgs(['--quick'])).toMatchObject({ options: { idleMs: 500 } });
    expect(parseBenchArgs(['--idle', '0'])).toMatchObject({ options: { idleMs: 0 } });
    expect(() => parseBenchArgs(['--idle', 'long'])).toThrow(/--idle: expected a duration/);
  });

  it('pins processes to cores only when asked', () => {
    expect(parseBenchArgs(['--pin', 'registry=0,others=0'])).toMatchObject({ options: { pin: { registry: '0', account: '0', generator: '0' } } });
    expect(parseBenchArgs([])).not.toHaveProperty('options.pin');
    expect(() => parseBenchArgs(['--pin', 'registry=99'])).toThrow(/--pin: registry: core 99 does not exist/);
  });

  it('rotates the configurations each round', () => {
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 2)).toEqual(['b', 'c', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 4)).toEqual(['a', 'b', 'c']);
  });
});
