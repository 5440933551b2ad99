import { describe, expect, it } from 'vitest';
import { samplerFromEnv } from './samplerFromEnv';

describe('samplerFromEnv', () => {
  it('defaults to parentbased_traceidratio with ratio 1', () => {
    expect(samplerFromEnv({}).toString()).toBe(
      'ParentBased{root=TraceIdRatioBased{1}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}',
    );
  });

  it('applies OTEL_TRACES_SAMPLER_ARG to the default sampler', () => {
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER_ARG: '0.25' }).toString()).toContain('root=TraceIdRatioBased{0.25}');
  });

  it('builds each standard sampler', () => {
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_on' }).toString()).toBe('AlwaysOnSampler');
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).toBe('AlwaysOffSampler');
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }).toString()).toBe(
      'TraceIdRatioBased{0.5}',
    );
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }).toString()).toContain('root=AlwaysOffSampler');
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }).toString()).toContain('root=AlwaysOnSampler');
  });

  it('rejects an unknown sampler, naming the variable', () => {
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(/OTEL_TRACES_SAMPLER: unsupported sampler "jaeger_remote"/);
  });

  it('rejects a ratio outside [0, 1] or not a number', () => {
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER_ARG: 'half' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});
