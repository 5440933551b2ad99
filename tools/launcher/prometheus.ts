import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServiceName } from '@govrnanza/topology';
import type { Endpoint } from './system';
import { httpStatus } from './health';

const ROOT = resolve(__dirname, '..', '..');
/** Where the local Prometheus listens. */
export const PROMETHEUS_PORT = 9090;

/**
 * Starts the `prometheus` binary (Debian's package) with the local scrape
 * config and every rule file, listening on 127.0.0.1:9090. Without the binary
 * it says how to install it and starts nothing.
 */
export async function startLocalPrometheus(endpoints: Record<ServiceName, Endpoint>): Promise<{ stop: () => Promise<void> }> {
  const which = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  const bin = which.stdout.trim();
  if (which.status !== 0 || bin === '') {
    process.stdout.write('prometheus is not installed (apt-get install prometheus): continuing without it\n');
    return { stop: async () => {} };
  }
  const defaults = Object.values(endpoints).map((e) => e.metricsPort).sort().join(',') === '9100,9101,9102,9103,9104';
  if (!defaults) process.stdout.write('note: deploy/prometheus/prometheus.local.yml scrapes the default metrics ports 9100-9104\n');
  const data = join(ROOT, '.artifacts', 'prometheus');
  mkdirSync(data, { recursive: true });
  const child = spawn(
    bin,
    [
      `--config.file=${join(ROOT, 'deploy', 'prometheus', 'prometheus.local.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`,
      '--enable-feature=exemplar-storage',
      '--storage.tsdb.retention.time=1d',
    ],
    { stdio: 'ignore', detached: true },
  );
  process.once('exit', () => child.kill('SIGKILL'));
  const until = Date.now() + 20_000;
  while (Date.now() < until && (await httpStatus(`http://127.0.0.1:${PROMETHEUS_PORT}/-/ready`)) !== 200) await new Promise((r) => setTimeout(r, 200));
  process.stdout.write(`Prometheus: http://127.0.0.1:${PROMETHEUS_PORT} (rules from deploy/prometheus/rules)\n`);
  return {
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
      }),
  };
}
