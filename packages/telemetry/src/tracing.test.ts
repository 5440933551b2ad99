import { describe, expect, it } from 'vitest';
import rootPackage from '../../../package.json';
import { tracingDisabled, tracingOptionsFromEnv } from './tracing';

describe('tracingOptionsFromEnv', () => {
  it('defaults: unknown service, the root package version, local, no exporter, parent-based ratio 1', () => {
    const options = tracingOptionsFromEnv({});
    expect(options).toMatchObject({ serviceName: 'unknown_service:node', serviceVersion: rootPackage.version, deploymentEnvironment: 'local' });
    expect(options).not.toHaveProperty('otlpEndpoint');
    expect(options).not.toHaveProperty('tracesFile');
    expect(options.sampler.toString()).toContain('ParentBased{root=TraceIdRatioBased{1}');
    expect(options.contextMode).toBe('explicit');
  });

  it('reads every variable', () => {
    const options = tracingOptionsFromEnv({
      OTEL_SERVICE_NAME: 'registry',
      SERVICE_VERSION: '1.2.3',
      DEPLOYMENT_ENVIRONMENT: 'staging',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
      OTEL_TRACES_FILE: 'spans.jsonl',
      OTEL_TRACES_SAMPLER: 'always_off',
      TRACE_CONTEXT: 'async',
    });
    expect(options).toMatchObject({
      serviceName: 'registry',
      serviceVersion: '1.2.3',
      deploymentEnvironment: 'staging',
      otlpEndpoint: 'http://jaeger:4318',
      tracesFile: 'spans.jsonl',
      contextMode: 'async',
    });
    expect(options.sampler.toString()).toBe('AlwaysOffSampler');
  });

  it('fails on a bad sampler setting', () => {
    expect(() => tracingOptionsFromEnv({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });

  it('fails on an unknown context mode, naming the variable', () => {
    expect(() => tracingOptionsFromEnv({ TRACE_CONTEXT: 'implicit' })).toThrow('TRACE_CONTEXT: must be explicit or async, got "implicit"');
  });
});

describe('tracingDisabled', () => {
  it('is true only for OTEL_SDK_DISABLED=true, in any case', () => {
    expect(tracingDisabled({ OTEL_SDK_DISABLED: 'true' })).toBe(true);
    expect(tracingDisabled({ OTEL_SDK_DISABLED: ' TRUE ' })).toBe(true);
    expect(tracingDisabled({ OTEL_SDK_DISABLED: 'false' })).toBe(false);
    expect(tracingDisabled({ OTEL_SDK_DISABLED: '1' })).toBe(false);
    expect(tracingDisabled({})).toBe(false);
  });
});
