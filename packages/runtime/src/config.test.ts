import { describe, expect, it } from 'vitest';
import { readCommonConfig } from './commonConfig';
import { ConfigError, readConfig } from './config';

describe('readConfig', () => {
  it('applies defaults and reads typed values', () => {
    const c = readConfig((env) => readCommonConfig(env, 'registry'), { PORT: '6000', LOG_LEVEL: 'warn', FAULTS: 'on', FAULTS_TOKEN: 't' });
    expect(c).toMatchObject({ port: 6000, metricsPort: 9103, host: '127.0.0.1', logLevel: 'warn', resilience: 'code', faults: { enabled: true, token: 't' } });
  });

  it('names every bad variable at once', () => {
    let err: unknown;
    try {
      readConfig((env) => readCommonConfig(env, 'account'), { PORT: 'eighty', RESILIENCE: 'sometimes', FAULTS: 'on', SHUTDOWN_GRACE_MS: '-1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT="eighty": expected an integer in [0, 65535]');
    expect(problems).toContain('RESILIENCE="sometimes": expected one of none, code, mesh, both');
    expect(problems).toContain('SHUTDOWN_GRACE_MS');
    expect(problems).toContain('FAULTS_TOKEN: required when FAULTS=on');
  });

  it('validates JSON and addresses', () => {
    expect(() => readConfig((env) => env.json('X', {}, (v) => v), { X: '{nope' })).toThrow(/X=.*valid JSON/);
    expect(() => readConfig((env) => env.address('ACCOUNT_ADDR', 'a:1'), { ACCOUNT_ADDR: 'no-port' })).toThrow(/host:port/);
    expect(readConfig((env) => env.address('ACCOUNT_ADDR', 'a:1'), { ACCOUNT_ADDR: 'account:50051' })).toBe('account:50051');
  });
});
