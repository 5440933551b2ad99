/**
 * Writes every deploy/ file that follows from @govrnanza/topology (per-service
 * manifests, Istio routing, authorization, faults, kustomizations), so the
 * call graph is declared once and the cluster follows it.
 *
 *   npm run gen:deploy          write the files, remove stale ones
 *   npm run gen:deploy:check    exit 1 if the committed files differ
 *
 * (`npm run gen:deploy` is `node --require tsx/cjs tools/gen-deploy.ts`.)
 *
 * Hand-written: deploy/k8s/{namespace,redis,jaeger,prometheus,load-job}.yaml,
 * deploy/istio/mesh/{namespace,telemetry}.yaml and deploy/istio/install/. Generated elsewhere: deploy/prometheus, deploy/grafana.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICES, type ServiceName } from '@govrnanza/topology';
import { ROOT } from './build';
import { allowNothing, authorizationManifests, strictMtls } from './gen-deploy/authorization';
import { EXPERIMENTS, faultManifests } from './gen-deploy/faults';
import { ingressManifests } from './gen-deploy/ingress';
import { MESH_ROUTED, MODES, istioEntry, meshComponent, modeEntry, plainStack, servicesKustomization } from './gen-deploy/kustomizations';
import { grafanaManifests } from './gen-deploy/grafana';
import { observabilityFiles } from './gen-deploy/observability';
import { renderEnv, renderYaml } from './gen-deploy/render';
import { envFile, serviceManifests } from './gen-deploy/serviceManifests';
import { trafficManifests, type TrafficFlavor } from './gen-deploy/traffic';

/** Directories whose every file is generated (a file there that is not generated is stale). */
export const GENERATED_DIRS = [
  'deploy/k8s/services',
  'deploy/istio/mesh/routing',
  'deploy/istio/mesh/authz',
  'deploy/istio/faults',
  'deploy/istio/modes',
];

const NAMES = Object.keys(SERVICES) as ServiceName[];

/** How a mesh entry is applied: on top of the plain stack. */
const MESH_APPLY = (dir: string, mode: string): string[] => [
  `The services in the mesh, RESILIENCE=${mode}, applied on top of the plain stack:`,
  `  kubectl apply -k deploy && kubectl apply -k ${dir}`,
];

function faultFiles(dir: string, flavor: TrafficFlavor): [string, string][] {
  return EXPERIMENTS.map((e) => [
    `${dir}/${e.name}.yaml`,
    renderYaml(faultManifests(e, flavor), [
      `Chaos experiment "${e.name}" (RESILIENCE ${flavor === 'mesh' ? 'mesh or both' : 'none or code'}).`,
      `Apply: kubectl apply -f ${dir}/${e.name}.yaml`,
      'Remove: re-apply the stack (Tilt: chaos:clear), which restores the VirtualServices.',
    ]),
  ]);
}

/** Every generated file (path relative to the root → content). */
export function generate(root = ROOT): Map<string, string> {
  const files = new Map<string, string>();
  const obs = observabilityFiles(path.join(root, 'deploy'));
  files.set('deploy/kustomization.yaml', renderYaml([plainStack(obs)], ['The plain stack: kubectl apply -k deploy']));
  files.set('deploy/k8s/grafana.yaml', renderYaml(grafanaManifests(obs)));
  files.set('deploy/k8s/services/kustomization.yaml', renderYaml([servicesKustomization()]));
  for (const n of NAMES) {
    files.set(`deploy/k8s/services/${n}.yaml`, renderYaml(serviceManifests(n)));
    files.set(`deploy/k8s/services/${n}.env`, renderEnv(envFile(n)));
    files.set(`deploy/istio/mesh/routing/${n}.yaml`, renderYaml(trafficManifests(n, 'code')));
    files.set(`deploy/istio/mesh/authz/${n}.yaml`, renderYaml(authorizationManifests(n)));
  }
  files.set('deploy/istio/kustomization.yaml', renderYaml([istioEntry()], MESH_APPLY('deploy/istio', 'code')));
  files.set('deploy/istio/mesh/kustomization.yaml', renderYaml([meshComponent()], ['The mesh layer, a Component of deploy/istio and deploy/istio/modes/*.']));
  files.set('deploy/istio/mesh/security.yaml', renderYaml([strictMtls(), allowNothing()]));
  files.set('deploy/istio/mesh/ingress.yaml', renderYaml(ingressManifests()));
  for (const mode of MODES) {
    const dir = `deploy/istio/modes/${mode}`;
    files.set(`${dir}/kustomization.yaml`, renderYaml([modeEntry(mode)], MESH_APPLY(dir, mode)));
    if (MESH_ROUTED.includes(mode)) {
      files.set(`${dir}/traffic.yaml`, renderYaml(NAMES.flatMap((n) => trafficManifests(n, 'mesh')), ['Patches: the mesh owns timeouts, retries and outlier detection.']));
    }
  }
  for (const [file, text] of faultFiles('deploy/istio/faults', 'code')) files.set(file, text);
  for (const [file, text] of faultFiles('deploy/istio/modes/mesh/faults', 'mesh')) files.set(file, text);
  return files;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Differences between the generated files and the tree: files to write and stale files to remove. */
export function diff(root = ROOT): { changed: string[]; stale: string[] } {
  const files = generate(root);
  const changed = [...files].filter(([rel, text]) => {
    const abs = path.join(root, rel);
    return !existsSync(abs) || readFileSync(abs, 'utf8') !== text;
  });
  const stale = GENERATED_DIRS.flatMap((d) => walk(path.join(root, d)))
    .map((abs) => path.relative(root, abs).split(path.sep).join('/'))
    .filter((rel) => !files.has(rel));
  return { changed: changed.map(([rel]) => rel), stale };
}

function main(argv: string[]): void {
  const { changed, stale } = diff();
  if (argv.includes('--check')) {
    if (changed.length + stale.length === 0) return;
    console.error(`deploy/ is stale; run \`npm run gen:deploy\`:\n${[...changed, ...stale.map((s) => `${s} (remove)`)].join('\n')}`);
    process.exit(1);
  }
  const files = generate();
  for (const rel of changed) {
    const abs = path.join(ROOT, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, files.get(rel)!);
  }
  for (const rel of stale) rmSync(path.join(ROOT, rel));
  console.log(`wrote ${changed.length} file(s), removed ${stale.length}`);
}

if (require.main === module) main(process.argv.slice(2));
