import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBinary } from '../support/prometheus';

const ROOT = resolve(__dirname, '..', '..');
const PROM = join(ROOT, 'deploy', 'prometheus');

function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(requireBinary('promtool'), args, { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('promtool', () => {
  it('accepts every rule file, with duplicate-rule linting', () => {
    const files = readdirSync(join(PROM, 'rules'))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join(PROM, 'rules', f));
    expect(files.length).toBeGreaterThan(0);
    const r = promtool('check', 'rules', '--lint=all', '--lint-fatal', ...files);
    expect(r.output).not.toMatch(/FAILED|WARNING/);
    expect(r.status, r.output).toBe(0);
  });

  it('accepts the local and the cluster config (the local one with its rules)', () => {
    const r = promtool('check', 'config', '--lint=all', '--lint-fatal', join(PROM, 'prometheus.local.yml'), join(PROM, 'prometheus.k8s.yml'));
    const rules = readdirSync(join(PROM, 'rules')).filter((f) => f.endsWith('.yml')).length;
    expect(r.output).toContain(`SUCCESS: ${rules} rule files found`);
    expect(r.status, r.output).toBe(0);
  });
});
