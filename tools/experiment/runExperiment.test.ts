import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from './experimentFile';
import { ExperimentRefused, runExperiment } from './runExperiment';
import type { SystemProvider } from './systemProvider';

const DIR = path.resolve(__dirname, '..', '..', 'experiments');

/** A running system that must never be used: refusals happen before anything starts. */
const running: SystemProvider = {
  kind: 'running',
  open: () => Promise.reject(new Error('opened a system although the run should have been refused')),
};

const run = (name: string, variants?: string[]) =>
  runExperiment({ experiment: loadExperiment(name, DIR), provider: running, backend: 'local', command: 'test', log: () => {}, ...(variants ? { variants } : {}) });

describe('runExperiment', () => {
  it('refuses variants that need their own environment on a running system, saying which and what they need', async () => {
    await expect(run('profile-slow')).rejects.toThrow(ExperimentRefused);
    await expect(run('profile-slow')).rejects.toThrow(/code: RESILIENCE=code\n  none: RESILIENCE=none\n.*drop --gateway/s);
    await expect(run('profile-flaky', ['no-budget'])).rejects.toThrow(/no-budget: DOWNSTREAM_POLICY=\{"profile":\{"retryBudgetRatio":100\}\}/);
  });

  it('refuses a variant the experiment does not have', async () => {
    await expect(run('fanout-tail', ['n2'])).rejects.toThrow(/fanout-tail has no variant n2 \(variants: n1, n3, n6\)/);
  });
});
