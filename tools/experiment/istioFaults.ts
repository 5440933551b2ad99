import { spawn } from 'node:child_process';
import type { FaultRuleSpec } from '@govrnanza/faults';
import { NAMESPACE } from '../gen-deploy/cluster';
import { faultManifests, istioFaultsOf } from '../gen-deploy/faults';
import { renderYaml } from '../gen-deploy/render';
import type { Experiment } from './experimentFile';
import type { FaultBackend } from './faultBackend';

/** Thrown when the cluster backend cannot work here; the message says what is missing. */
export class IstioUnavailable extends Error {
  override readonly name = 'IstioUnavailable';
}

/** Runs a command with optional standard input; resolves with its exit code and output (never rejects, except ENOENT). */
export type Exec = (command: string, args: readonly string[], input?: string) => Promise<{ code: number; stdout: string; stderr: string }>;

/** The resilience modes of the cluster (Tilt's --mode), which decide the routing a fault file keeps and restores. */
export type ClusterMode = 'none' | 'code' | 'mesh' | 'both';

/** The experiment's Istio fault manifests for a mode, as `kubectl apply -f -` takes them. */
export function renderIstioFaults(experiment: Pick<Experiment, 'name' | 'faults'>, mode: ClusterMode): string {
  const flavor = mode === 'mesh' || mode === 'both' ? 'mesh' : 'code';
  return renderYaml(faultManifests(istioFaultsOf(experiment), flavor), [
    `Chaos experiment "${experiment.name}" for RESILIENCE=${mode}, rendered from experiments/${experiment.name}.yaml by the experiment runner.`,
  ]);
}

/**
 * Faults injected by Istio: `inject` applies the rendered VirtualServices with
 * kubectl, `clear` re-applies the mode's routing (as Tilt's chaos:clear does).
 * Checks first that kubectl exists and reaches a cluster with Istio and the
 * govrnanza namespace.
 * @throws IstioUnavailable saying what is missing.
 */
export async function istioFaults(experiment: Pick<Experiment, 'name'>, options: { mode: ClusterMode; root: string; exec?: Exec }): Promise<FaultBackend> {
  const exec = options.exec ?? spawnExec(options.root);
  await preflight(exec);
  const entry = options.mode === 'code' ? 'deploy/istio' : `deploy/istio/modes/${options.mode}`;
  let applied = false;
  const must = async (what: string, command: string, args: string[], input?: string): Promise<string> => {
    const r = await exec(command, args, input);
    if (r.code !== 0) throw new Error(`${what}: ${command} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
    return r.stdout;
  };
  return {
    kind: 'istio',
    async inject(rules: readonly FaultRuleSpec[]) {
      applied = true;
      await must('applying the fault VirtualServices', 'kubectl', ['apply', '-f', '-'], renderIstioFaults({ name: experiment.name, faults: [...rules] }, options.mode));
    },
    async clear() {
      if (!applied) return;
      applied = false;
      const routing = await must('rendering the routing', 'kubectl', ['kustomize', entry]);
      await must('restoring the routing', 'kubectl', ['apply', '-n', NAMESPACE, '-l', 'app.kubernetes.io/component=routing', '-f', '-'], routing);
    },
  };
}

async function preflight(exec: Exec): Promise<void> {
  let version: Awaited<ReturnType<Exec>>;
  try {
    version = await exec('kubectl', ['version', '--client']);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new IstioUnavailable('--backend istio needs kubectl, which is not on PATH (README, Run it in a cluster); without a cluster, run with the local backend');
    }
    throw err;
  }
  if (version.code !== 0) throw new IstioUnavailable(`kubectl does not run: ${lastLine(version.stderr)}`);
  const ns = await exec('kubectl', ['get', 'namespace', NAMESPACE, '--request-timeout=5s', '-o', 'name']);
  if (ns.code !== 0) {
    throw new IstioUnavailable(
      `--backend istio needs a cluster running Govrnanza (namespace ${NAMESPACE}), and kubectl reaches none: ${lastLine(ns.stderr)}\n` +
        'Start one (README, Run it in a cluster: tilt up -- --mesh), or run with the local backend.',
    );
  }
  const crd = await exec('kubectl', ['get', 'crd', 'virtualservices.networking.istio.io', '--request-timeout=5s', '-o', 'name']);
  if (crd.code !== 0) throw new IstioUnavailable(`the cluster has no Istio (no VirtualService CRD): ${lastLine(crd.stderr)}; install it (README, Run it in a cluster) and start with tilt up -- --mesh`);
}

/** kubectl's last line says what went wrong (the ones before are client-side retries and noise). */
function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) || 'no output';
}

function spawnExec(cwd: string): Exec {
  return (command, args, input) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, [...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr });
      });
      child.stdin.end(input ?? '');
    });
}
