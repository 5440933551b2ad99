/**
 * The Tiltfile is Starlark (it parses, and uses nothing Starlark lacks), and,
 * evaluated against stand-ins for Tilt's builtins with the real kustomize
 * output, declares a consistent dev environment: an image for every image
 * the manifests run, every object in exactly one resource, dependencies that
 * exist, the port-forwards docs/cluster.md promises, one chaos button per
 * shipped experiment, and only paths that exist. Needs python3 (and kubectl
 * to render the manifests); skipped where they are missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasKubectl, render } from './support/kustomize';
import { ROOT, abs, exists, filesUnder, readObjects, type K8sObject } from './support/repo';

const HARNESS = path.join(__dirname, 'support', 'tiltfile_harness.py');
/** The interpreter itself (a version manager's python3 shim costs a few hundred ms per start); undefined without python3. */
const PYTHON = ((): string | undefined => {
  const probe = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
})();
const hasPython = PYTHON !== undefined;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tiltfile-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function python(args: string[]): unknown {
  const run = spawnSync(PYTHON!, [HARNESS, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

interface Call {
  args: unknown[];
  kwargs: Record<string, unknown>;
}
interface Declared {
  failed?: string;
  local_resource: Call[];
  docker_build: Call[];
  k8s_resource: Call[];
  k8s_yaml: K8sObject[];
  paths: string[];
  local: string[];
}

const rendered = new Map<string, K8sObject[]>();
function evaluate(args: Record<string, unknown>): Declared {
  // What this scenario's Tiltfile reads: the plain stack, and with --mesh its mode's entry.
  const mode = typeof args.mode === 'string' ? args.mode : 'code';
  const entries = ['deploy', ...(args.mesh && /^[a-z]+$/.test(mode) && exists(`deploy/istio/modes/${mode}`) ? [`deploy/istio/modes/${mode}`] : [])];
  for (const e of entries) if (!rendered.has(e)) rendered.set(e, render(e));
  const scenario = {
    root: ROOT,
    args,
    rendered: Object.fromEntries(entries.map((e) => [e, rendered.get(e)])),
    files: { 'deploy/k8s/load-job.yaml': readObjects('deploy/k8s/load-job.yaml') },
  };
  const file = path.join(tmp, `scenario-${Object.keys(args).join('-') || 'plain'}-${String(args.mode ?? '')}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  return python(['run', abs('Tiltfile'), file]) as Declared;
}

const nameOf = (c: Call): string => String(c.args[0] ?? c.kwargs.new_name ?? c.kwargs.workload);
const selector = (o: K8sObject): string => `${o.metadata.name}:${o.kind.toLowerCase()}`;
const WORKLOAD_KINDS = ['Deployment', 'Job'];

describe('Tiltfile syntax', () => {
  it('is Starlark: parses, and uses no Python-only construct', () => {
    expect(hasPython, 'python3 is needed to parse the Tiltfile').toBe(true);
    expect(python(['lint', abs('Tiltfile')])).toEqual([]);
  });
});
