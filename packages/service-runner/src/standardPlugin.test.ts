import type { handleUnaryCall } from '@grpc/grpc-js';
import { createLogger, readConfig } from '@govrnanza/runtime';
import { NO_EVENTS } from '@govrnanza/resilience';
import * as telemetry from '@govrnanza/telemetry';
import { describe, expect, it, vi } from 'vitest';
import { readServiceConfig } from './backendConfig';
import { standardPlugin } from './standardPlugin';

// Spied on, not replaced: the plugin calls it through the module's exports.
vi.mock('@govrnanza/telemetry', async (original) => {
  const actual = await original<typeof import('@govrnanza/telemetry')>();
  return { ...actual, createMetrics: vi.fn(actual.createMetrics) };
});

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
      // No registry at all: prom-client's default metrics would observe every garbage collection.
      expect(telemetry.createMetrics).not.toHaveBeenCalled();
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
      expect(telemetry.createMetrics).toHaveBeenCalledTimes(1);
    } finally {
      await stopper!.stop();
    }
  });
});
