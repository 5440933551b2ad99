import type { handleUnaryCall } from '@grpc/grpc-js';
import { createLogger, readConfig } from '@govrnanza/runtime';
import { NO_EVENTS } from '@govrnanza/resilience';
import { describe, expect, it } from 'vitest';
import { readServiceConfig } from './backendConfig';
import { standardPlugin } from './standardPlugin';

const log = createLogger('account', 'silent');

describe('standardPlugin', () => {
  it('with METRICS=off serves no metrics and records none, and still wraps handlers', async () => {
    const config = readConfig((env) => readServiceConfig(env, 'account'), { METRICS: 'off', METRICS_PORT: '0', OTEL_SDK_DISABLED: 'true' });
    const plugin = standardPlugin();
    const stopper = await plugin.start!(config, log);
    try {
      expect(plugin.attemptMetrics!('profile')).toBeUndefined();
      expect(plugin.events!('account', 'profile')).toBe(NO_EVENTS);
      const inner: handleUnaryCall<unknown, unknown> = (_call, cb) => cb(null, { ok: true });
      const wrapped = plugin.wrapHandler!('/govrnanza.account.v1.AccountService/GetOrganization', inner);
      const answer = await new Promise<unknown>((resolve, reject) => {
        const call = { metadata: { get: () => [] }, cancelled: false, once: () => call, getDeadline: () => Infinity };
        wrapped(call as never, (err, value) => (err ? reject(err) : resolve(value)));
      });
      expect(answer).toEqual({ ok: true });
    } finally {
      await stopper!.stop();
    }
  });

  it('with metrics on serves them and records per-attempt metrics', async () => {
    const config = readConfig((env) => readServiceConfig(env, 'account'), { METRICS_PORT: '0', OTEL_SDK_DISABLED: 'true' });
    const plugin = standardPlugin();
    const stopper = await plugin.start!(config, log);
    try {
      const attempts = plugin.attemptMetrics!('profile');
      expect(attempts).toBeDefined();
      expect(plugin.events!('account', 'profile')).not.toBe(NO_EVENTS);
    } finally {
      await stopper!.stop();
    }
  });
});
