/**
 * What the kustomize entry points render, through the TypeScript renderer
 * (support/kustomize.ts; no kubectl needed): every entry point builds, every
 * object is valid, every ConfigMap a pod reads is there under its hashed
 * name, each resilience mode sets RESILIENCE and the mesh's routing as it
 * should. Then the renderer itself: kustomize's hash, generator merges and
 * list merges (expected values taken from kubectl's kustomize), and its
 * refusal of what it does not support.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVICES, type ServiceName } from '@govrnanza/topology';
import { afterAll, describe, expect, it } from 'vitest';
import { NAMESPACE } from '../../tools/gen-deploy/cluster';
import { MESH_ROUTED, MODES, type ResilienceMode } from '../../tools/gen-deploy/kustomizations';
import { configMapName, configOf } from '../../tools/gen-deploy/serviceManifests';
import { routesOf } from '../../tools/gen-deploy/traffic';
import { KustomizeError, contentHash, render } from './support/kustomize';
import { WORKLOAD_KINDS, configMapsReadBy, find, idOf, podSpec } from './support/objects';
import type { K8sObject } from './support/repo';
import { validateObject } from './support/schemas';

const NAMES = Object.keys(SERVICES) as ServiceName[];
const PLAIN = 'deploy';
const ISTIO = 'deploy/istio';
const modeEntry = (mode: ResilienceMode): string => `deploy/istio/modes/${mode}`;
const MESH_ENTRIES: [string, ResilienceMode][] = [[ISTIO, 'code'], ...MODES.map((m): [string, ResilienceMode] => [modeEntry(m), m])];
const ENTRIES = [PLAIN, ...MESH_ENTRIES.map(([e]) => e)];

const renders = new Map<string, K8sObject[]>();
function rendered(entry: string): K8sObject[] {
  if (!renders.has(entry)) renders.set(entry, render(entry));
  return renders.get(entry)!;
}

const CLUSTER_SCOPED = ['Namespace'];

/** The data of the ConfigMap a service's Deployment reads its environment from. */
function environmentOf(objects: K8sObject[], name: ServiceName): Record<string, string> {
  const refs = configMapsReadBy(find(objects, 'Deployment', name)!);
  expect(refs).toHaveLength(1);
  const cm = find(objects, 'ConfigMap', refs[0]!);
  expect(cm, `${name} reads ConfigMap ${refs[0]}`).toBeDefined();
  return cm!.data as Record<string, string>;
}

/** Validation results by object content: the entry points share most objects, each is checked once. */
const validated = new Map<string, string[]>();
function problemsOf(o: K8sObject): string[] {
  const key = JSON.stringify(o);
  if (!validated.has(key)) validated.set(key, validateObject(o));
  return validated.get(key)!;
}

describe('kustomize entry points', () => {
  it.each(ENTRIES)('%s: renders objects with unique ids, in the govrnanza namespace, part of govrnanza', (entry) => {
    const objects = rendered(entry);
    expect(objects.length).toBeGreaterThan(10);
    const ids = objects.map(idOf);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const o of objects) {
      expect(o.metadata.namespace, idOf(o)).toBe(CLUSTER_SCOPED.includes(o.kind) ? undefined : NAMESPACE);
      expect(o.metadata.labels?.['app.kubernetes.io/part-of'], idOf(o)).toBe('govrnanza');
    }
  });

  it.each(ENTRIES)('%s: every object validates against its schema', (entry) => {
    const problems = rendered(entry).flatMap((o) => problemsOf(o).map((p) => `${idOf(o)}: ${p}`));
    expect(problems).toEqual([]);
  });

  it.each(ENTRIES)('%s: every ConfigMap a pod reads is rendered, under its content-hashed name, and every ConfigMap is read', (entry) => {
    const objects = rendered(entry);
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
    const read = new Set(objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)).flatMap(configMapsReadBy));
    for (const name of read) expect(find(objects, 'ConfigMap', name), `${entry}: ConfigMap ${name}`).toBeDefined();
    for (const cm of configMaps) {
      expect(read.has(cm.metadata.name), `${entry}: ConfigMap ${cm.metadata.name} is read by no workload`).toBe(true);
      // A new hash on a content change is what rolls the pods that read it.
      expect(cm.metadata.name, 'generated, so hash-suffixed').toMatch(new RegExp(`-${contentHash(cm)}$`));
    }
  });

  it('deploy: the plain stack, each service reading the environment its topology gives it', () => {
    const objects = rendered(PLAIN);
    const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    expect(deployments.sort()).toEqual([...NAMES, 'redis', 'jaeger', 'prometheus', 'grafana'].sort());
    for (const name of NAMES) expect(environmentOf(objects, name), name).toEqual(configOf(name));
    expect(objects.some((o) => o.apiVersion.includes('istio.io')), 'no Istio objects').toBe(false);
    expect(find(objects, 'Namespace', NAMESPACE)?.metadata.labels?.['istio-injection']).toBeUndefined();
  });

  it.each(MESH_ENTRIES)('%s: every service reads RESILIENCE=%s, the rest of its environment unchanged', (entry, mode) => {
    const objects = rendered(entry);
    for (const name of NAMES) expect(environmentOf(objects, name), name).toEqual({ ...configOf(name), RESILIENCE: mode });
    // Names follow content: the modes' ConfigMaps differ from each other's, and code's are the plain stack's.
    const plain = rendered(PLAIN).find((o) => o.metadata.name.startsWith(`${configMapName('account')}-`))!.metadata.name;
    expect(find(objects, 'ConfigMap', plain) !== undefined, `${entry}: ${plain}`).toBe(mode === 'code');
  });

  it.each(MESH_ENTRIES)('%s: the mesh routes as mode %s has it (mesh retries only in mesh and both)', (entry, mode) => {
    const objects = rendered(entry);
    const flavor = MESH_ROUTED.includes(mode) ? 'mesh' : 'code';
    for (const name of NAMES) {
      const vs = find(objects, 'VirtualService', name);
      expect(vs, `VirtualService ${name}`).toBeDefined();
      const http = (vs!.spec as { http: { name: string; timeout?: string; retries?: unknown }[] }).http;
      const expected = routesOf(name, flavor);
      expect(http.map((r) => r.name), name).toEqual(expected.map((r) => r.name));
      for (const [i, r] of http.entries()) expect({ timeout: r.timeout, retries: r.retries }, `${name} ${r.name}`).toEqual(expected[i]!.policy);
      const attempts = http.map((r) => (r.retries as { attempts: number }).attempts);
      if (flavor === 'code' || name === 'gateway') expect(attempts.every((a) => a === 0), `${name}: no mesh retries`).toBe(true);
      else expect(Math.max(...attempts), `${name}: mesh retries`).toBeGreaterThan(0);
      const dr = find(objects, 'DestinationRule', name)!.spec as { trafficPolicy: { outlierDetection?: unknown } };
      expect(dr.trafficPolicy.outlierDetection !== undefined, `${name}: outlier detection`).toBe(flavor === 'mesh');
    }
  });

  it.each(MESH_ENTRIES.map(([e]) => e))('%s: the services in the mesh: sidecar injection, proxy start-up and drain, the plain services replaced', (entry) => {
    const objects = rendered(entry);
    expect(find(objects, 'Namespace', NAMESPACE)?.metadata.labels?.['istio-injection']).toBe('enabled');
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...NAMES].sort());
    for (const d of deployments) {
      const annotations = (d.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
      expect(JSON.parse(annotations['proxy.istio.io/config']!), d.metadata.name).toMatchObject({ holdApplicationUntilProxyStarts: true });
    }
    // Applied on top of the plain stack, the entry replaces every object of the plain services layer (ConfigMaps by new names).
    const plainServices = rendered(PLAIN).filter((o) => o.kind !== 'ConfigMap' && o.metadata.labels?.['app.kubernetes.io/component'] === 'service');
    for (const o of plainServices) expect(find(objects, o.kind, o.metadata.name), idOf(o)).toBeDefined();
  });

  it('deploy/istio is deploy/istio/modes/code', () => {
    expect(rendered(ISTIO)).toEqual(rendered(modeEntry('code')));
  });
});

// ---------------------------------------------------------------- the renderer itself

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kustomize-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fixtures = 0;

/** A directory of files (a kustomization and what it loads), rendered. */
function renderFixture(files: Record<string, string | Buffer>): K8sObject[] {
  const dir = path.join(tmp, String(fixtures++));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return render(dir);
}

const KUSTOMIZATION = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
        - {name: a, image: a}
        - {name: b, image: b}
        - {name: c, image: c, env: [{name: X, value: x}, {name: Y, value: y}]}
        - {name: d, image: d}
`;

describe('the kustomize renderer', () => {
  // Each expected hash is the suffix kubectl's kustomize (v5.5) gave the same content.
  it.each([
    ['a tab', { kind: 'ConfigMap', data: { 'f.txt': 'a\tb' } }, '77m7hb44fg'],
    ['control characters', { kind: 'ConfigMap', data: { 'f.txt': 'a\u0001b' } }, 'mt262mhbtt'],
    ['backspace and form feed', { kind: 'ConfigMap', data: { 'f.txt': 'a\bb\fc' } }, 'tfg9227f88'],
    ['HTML, non-ASCII and U+2028', { kind: 'ConfigMap', data: { A: '<b>&amp;</b> héllo ☃ 𝄞', B: 'line\u2028sep' } }, '9g8cfg79kt'],
    ['binary data only', { kind: 'ConfigMap', binaryData: { 'blob.bin': 'AAH//g==' } }, 'k46hgc6h8g'],
    ['an Opaque Secret', { kind: 'Secret', type: 'Opaque', data: { user: 'YWRtaW4=' } }, 'hmbb7mfmdf'],
    ['a typed Secret', { kind: 'Secret', type: 'kubernetes.io/tls', data: { user: 'YWRtaW4=' } }, 'g9ghgbd97t'],
  ])('hashes %s as kustomize does', (_, fields, hash) => {
    expect(contentHash({ apiVersion: 'v1', metadata: { name: 'any' }, ...fields } as K8sObject)).toBe(hash);
  });

  it('merges and replaces generated ConfigMaps across levels, hashes and rewrites references as kustomize does', () => {
    const objects = renderFixture({
      'base/kustomization.yaml': `${KUSTOMIZATION}resources: [plain.yaml]
configMapGenerator:
  - {name: merged, literals: [A=1, B=2], options: {labels: {base: "1", shared: base}, annotations: {a: base}}}
  - {name: replaced, literals: [A=1, B=2], options: {labels: {base: "1"}}}
  - {name: unhashed-then-hashed, literals: [A=1], options: {disableNameSuffixHash: true}}
  - {name: hashed-then-unhashed, literals: [A=1]}
`,
      'base/plain.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-file}\ndata: {A: "1"}\n',
      'kustomization.yaml': `${KUSTOMIZATION}resources: [base, user.yaml]
configMapGenerator:
  - {name: merged, behavior: merge, literals: [B=overridden, C=3], options: {labels: {overlay: "1", shared: overlay}}}
  - {name: replaced, behavior: replace, literals: [Z=26]}
  - {name: unhashed-then-hashed, behavior: merge, literals: [B=2]}
  - {name: hashed-then-unhashed, behavior: merge, literals: [B=2], options: {disableNameSuffixHash: true}}
  - {name: from-file, behavior: merge, literals: [B=2]}
`,
      'user.yaml': `apiVersion: v1
kind: Pod
metadata: {name: user}
spec:
  containers:
    - name: c
      image: c
      envFrom: [{configMapRef: {name: merged}}, {configMapRef: {name: replaced}}, {configMapRef: {name: unhashed-then-hashed}},
                {configMapRef: {name: hashed-then-unhashed}}, {configMapRef: {name: from-file}}, {configMapRef: {name: not-generated}}]
`,
    });
    // kubectl kustomize's output for the same files.
    expect(find(objects, 'ConfigMap', 'merged-5g8k22ddmd')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'merged-5g8k22ddmd', labels: { base: '1', overlay: '1', shared: 'overlay' }, annotations: { a: 'base' } },
      data: { A: '1', B: 'overridden', C: '3' },
    });
    expect(find(objects, 'ConfigMap', 'replaced-b6kk9bf7m8')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'replaced-b6kk9bf7m8', labels: { base: '1' } },
      data: { Z: '26' },
    });
    const pod = find(objects, 'Pod', 'user')!.spec as { containers: { envFrom: { configMapRef: { name: string } }[] }[] };
    expect(pod.containers[0]!.envFrom.map((e) => e.configMapRef.name)).toEqual([
      'merged-5g8k22ddmd',
      'replaced-b6kk9bf7m8',
      'unhashed-then-hashed',
      'hashed-then-unhashed',
      'from-file',
      'not-generated',
    ]);
  });

  it('merges keyed lists of a strategic merge patch as kustomize does: the patch\'s order first', () => {
    const objects = renderFixture({
      'kustomization.yaml': `${KUSTOMIZATION}resources: [d.yaml]
patches:
  - patch: |
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: d}
      spec:
        template:
          spec:
            containers:
              - {name: c, image: c2, env: [{name: Z, value: z}]}
              - {name: x, image: x}
              - {name: a, image: a2}
`,
      'd.yaml': DEPLOYMENT,
    });
    const containers = podSpec(objects[0]!).containers as unknown[];
    // kubectl kustomize's output for the same files.
    expect(containers).toEqual([
      { name: 'c', image: 'c2', env: [{ name: 'Z', value: 'z' }, { name: 'X', value: 'x' }, { name: 'Y', value: 'y' }] },
      { name: 'x', image: 'x' },
      { name: 'a', image: 'a2' },
      { name: 'b', image: 'b' },
      { name: 'd', image: 'd' },
    ]);
  });

  const resources = { 'd.yaml': DEPLOYMENT };
  it.each([
    ['an unsupported field (images)', { 'kustomization.yaml': `${KUSTOMIZATION}resources: [d.yaml]\nimages: [{name: a, newTag: "2"}]\n`, ...resources }, /field "images" is not supported/],
    ['commonLabels', { 'kustomization.yaml': `${KUSTOMIZATION}resources: [d.yaml]\ncommonLabels: {a: b}\n`, ...resources }, /field "commonLabels" is not supported/],
    ['namePrefix', { 'kustomization.yaml': `${KUSTOMIZATION}resources: [d.yaml]\nnamePrefix: p-\n`, ...resources }, /field "namePrefix" is not supported/],
    ['labels with selectors', { 'kustomization.yaml': `${KUSTOMIZATION}resources: [d.yaml]\nlabels: [{pairs: {a: b}, includeSelectors: true}]\n`, ...resources }, /includeSelectors/],
    ['an unsupported generator option', { 'kustomization.yaml': `${KUSTOMIZATION}configMapGenerator: [{name: x, literals: [a=b], options: {immutable: true}}]\n` }, /"immutable" is not supported/],
    [
      'a JSON 6902 patch',
      { 'kustomization.yaml': `${KUSTOMIZATION}resources: [d.yaml]\npatches:\n  - target: {kind: Deployment}\n    patch: '[{"op": "replace", "path": "/spec/replicas", "value": 2}]'\n`, ...resources },
      /JSON 6902 patches are not supported/,
    ],
    [
      'a patch directive',
      { 'kustomization.yaml': `${KUSTOMIZATION}resources: [d.yaml]\npatches:\n  - patch: '{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {$patch: replace}}'\n`, ...resources },
      /directive "\$patch" is not supported/,
    ],
    [
      'a list merged by a key it does not know',
      { 'kustomization.yaml': `${KUSTOMIZATION}resources: [d.yaml]\npatches:\n  - patch: '{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {template: {spec: {volumes: [{name: v}]}}}}'\n`, ...resources },
      /kustomize may merge it by a key this renderer does not know/,
    ],
    [
      'a reference to a generated object outside a pod spec',
      { 'kustomization.yaml': `${KUSTOMIZATION}resources: [sa.yaml]\nsecretGenerator: [{name: token, literals: [a=b]}]\n`, 'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\nsecrets: [{name: token}]\n' },
      /a reference this renderer does not rewrite/,
    ],
    ['an env line without "="', { 'kustomization.yaml': `${KUSTOMIZATION}configMapGenerator: [{name: x, envs: [x.env]}]\n`, 'x.env': 'A=1\nFROM_ENVIRONMENT\n' }, /without "="/],
    ['a file outside the kustomization', { 'k/kustomization.yaml': `${KUSTOMIZATION}resources: [../d.yaml]\n`, ...resources, 'kustomization.yaml': `${KUSTOMIZATION}resources: [k]\n` }, /load restrictor/],
  ])('refuses %s', (_, files, message) => {
    expect(() => renderFixture(files)).toThrow(KustomizeError);
    expect(() => renderFixture(files)).toThrow(message);
  });
});
