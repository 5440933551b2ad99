import { afterEach, describe, expect, it } from 'vitest';
import { requireBinary, startPrometheus } from '../support/prometheus';

const saved = { PATH: process.env.PATH, PROMETHEUS_BIN: process.env.PROMETHEUS_BIN };

afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.PROMETHEUS_BIN === undefined) delete process.env.PROMETHEUS_BIN;
  else process.env.PROMETHEUS_BIN = saved.PROMETHEUS_BIN;
});

describe('the Prometheus harness without a prometheus binary', () => {
  it('fails with the install command instead of passing', async () => {
    process.env.PATH = '/nonexistent';
    delete process.env.PROMETHEUS_BIN;
    expect(() => requireBinary('promtool')).toThrow('promtool not installed: run apt-get install prometheus');
    await expect(startPrometheus({ targets: [] })).rejects.toThrow('prometheus not installed: run apt-get install prometheus');
  });
});
