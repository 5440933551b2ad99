/**
 * Not a test: a check of the TypeScript kustomize renderer (./kustomize.ts)
 * against `kubectl kustomize`, for a machine that has kubectl.
 *
 *   node --require tsx/cjs tests/deploy/support/kustomize-compare.ts
 *
 * Renders every entry point of deploy/, and fixtures that exercise each
 * feature the renderer supports (generators with their edge cases, merges and
 * replacements across levels, hashes, reference rewriting, patches with and
 * without targets, components, namespace, labels), with both, and compares
 * the object sets: the same apiVersion/kind/namespace/name, and the same
 * content (map key order and object order aside; list order counts). It
 * also lists the fixtures the renderer refuses, with kubectl's view of them.
 * Exits non-zero on any difference.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KustomizeError, render } from './kustomize';
import { ROOT, parseYamlStream, type K8sObject } from './repo';

const ENTRY_POINTS = ['deploy', 'deploy/istio', 'deploy/istio/modes/none', 'deploy/istio/modes/code', 'deploy/istio/modes/mesh', 'deploy/istio/modes/both'];

function kubectl(dir: string): K8sObject[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${run.stderr}`);
  return parseYamlStream(run.stdout, dir) as K8sObject[];
}

const key = (o: K8sObject): string => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`;

/** Differences between two renders, as readable lines. */
function compare(ours: K8sObject[], theirs: K8sObject[]): string[] {
  const problems: string[] = [];
  const index = (objects: K8sObject[], who: string): Map<string, K8sObject> => {
    const map = new Map<string, K8sObject>();
    for (const o of objects) {
      if (map.has(key(o))) problems.push(`${who} renders ${key(o)} twice`);
      map.set(key(o), o);
    }
    return map;
  };
  const a = index(ours, 'the renderer');
  const b = index(theirs, 'kubectl');
  for (const k of a.keys()) if (!b.has(k)) problems.push(`only the renderer: ${k}`);
  for (const k of b.keys()) if (!a.has(k)) problems.push(`only kubectl: ${k}`);
  for (const [k, o] of a) {
    const other = b.get(k);
    if (other && !isDeepStrictEqual(o, other)) problems.push(`differs: ${k}\n  renderer: ${JSON.stringify(o)}\n  kubectl:  ${JSON.stringify(other)}`);
  }
  return problems;
}

// ---------------------------------------------------------------- fixtures

type Files = Record<string, string | Buffer>;

const deployment = (name: string, extra = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}, tier: back}
  annotations: {team: blue}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      imagePullSecrets: [{name: pull}]
      initContainers:
        - name: init
          image: busybox
          env:
            - name: FROM_CM
              valueFrom: {configMapKeyRef: {name: settings, key: A}}
      containers:
        - name: main
          image: main:1
          args: [--x]
          envFrom:
            - configMapRef: {name: settings}
            - secretRef: {name: creds}
          env:
            - name: ONE
              value: "1"
            - name: SECRET
              valueFrom: {secretKeyRef: {name: creds, key: password}}
          volumeMounts:
            - {name: config, mountPath: /config}
        - name: side
          image: side:1
      volumes:
        - name: settings
          configMap: {name: settings}
        - name: creds
          secret: {secretName: creds}
        - name: both
          projected:
            sources:
              - configMap: {name: files}
              - secret: {name: creds}
        - name: scratch
          emptyDir: {}
${extra}`;

const virtualService = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: vs
  labels: {app.kubernetes.io/component: routing}
spec:
  hosts: [vs]
  http:
    - name: first
      route: [{destination: {host: vs}}]
      retries: {attempts: 2, perTryTimeout: 1s}
    - name: second
      route: [{destination: {host: vs}}]
`;

const FIXTURES: Record<string, Files> = {
  generators: {
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
generatorOptions:
  labels: {generated: "yes", clash: global}
  annotations: {note: generated}
configMapGenerator:
  - name: env-edge-cases
    envs: [edge.env]
  - name: literals
    literals:
      - PLAIN=value
      - DOUBLE="quoted value"
      - SINGLE='single'
      - HALF="half
      - EQUALS=a=b=c
      - EMPTY=
      - 'SPACES=  padded  '
    options:
      labels: {clash: local, own: label}
  - name: files
    files:
      - data.json
      - renamed.txt=nested/original.txt
      - special.txt
      - blob.bin
      - long.bin
      - exact.bin
      - long.txt
  - name: no-hash
    literals: [A=1]
    options: {disableNameSuffixHash: true}
  - name: empty
  - name: in-namespace
    namespace: elsewhere
    literals: [A=1]
secretGenerator:
  - name: opaque
    literals: [user=admin, password=s3cr<e>t&]
    files: [data.json]
  - name: typed
    type: kubernetes.io/tls
    files: [tls.crt=nested/original.txt, tls.key=special.txt]
  - name: secret-env
    envs: [edge.env]
`,
    'edge.env': '\uFEFF# a comment\n\nKEY=value\n  INDENTED=yes\nQUOTED="kept?"\nSINGLE=\'kept?\'\nTRAILING=space   \nEQ=a=b\nEMPTY=\nCRLF=windows\r\nlast=no-newline',
    'data.json': '{"a": 1, "html": "<b>&amp;</b>", "unicode": "héllo ☃ \u2028 𝄞"}\n',
    'nested/original.txt': 'line one\nline two\n',
    'special.txt': 'tab\there "quotes" \\ backslash\ncontrols \u0001 \b \f \u001b \ufeff end',
    'blob.bin': Buffer.from([0, 1, 2, 255, 254, 128, 10]),
    'long.bin': Buffer.from(Array.from({ length: 160 }, (_, i) => (i * 37) % 256)),
    'exact.bin': Buffer.from(Array.from({ length: 51 }, (_, i) => 255 - i)),
    'long.txt': 'a fairly long line of text, '.repeat(6),
  },
  options: {
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
generatorOptions:
  labels: {clash: global}
  annotations: {clash: global, only-global: "1"}
  disableNameSuffixHash: true
configMapGenerator:
  - name: local-false
    literals: [A=1]
    options: {disableNameSuffixHash: false, annotations: {clash: local}}
  - name: no-local
    literals: [A=1]
secretGenerator:
  - name: long
    files: [long.txt]
`,
    'long.txt': 'x'.repeat(200),
  },
  behaviors: {
    'base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [plain.yaml]
configMapGenerator:
  - name: merged
    literals: [A=1, B=2]
    options: {labels: {base: "1", shared: base}, annotations: {a: base}}
  - name: replaced
    literals: [A=1, B=2]
    options: {labels: {base: "1"}}
  - name: unhashed-then-hashed
    literals: [A=1]
    options: {disableNameSuffixHash: true}
  - name: hashed-then-unhashed
    literals: [A=1]
`,
    'base/plain.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: from-file
data: {A: "1"}
`,
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [base, user.yaml]
configMapGenerator:
  - name: merged
    behavior: merge
    literals: [B=overridden, C=3]
    options: {labels: {overlay: "1", shared: overlay}}
  - name: replaced
    behavior: replace
    literals: [Z=26]
  - name: unhashed-then-hashed
    behavior: merge
    literals: [B=2]
  - name: hashed-then-unhashed
    behavior: merge
    literals: [B=2]
    options: {disableNameSuffixHash: true}
  - name: from-file
    behavior: merge
    literals: [B=2]
`,
    'user.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: user
spec:
  containers:
    - name: c
      image: c
      envFrom:
        - configMapRef: {name: merged}
        - configMapRef: {name: replaced}
        - configMapRef: {name: unhashed-then-hashed}
        - configMapRef: {name: hashed-then-unhashed}
        - configMapRef: {name: from-file}
        - configMapRef: {name: not-generated}
`,
  },
  references: {
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: apps
resources: [deployment.yaml, cronjob.yaml, elsewhere.yaml]
configMapGenerator:
  - name: settings
    literals: [A=1]
  - name: files
    literals: [B=2]
secretGenerator:
  - name: creds
    literals: [password=p]
  - name: pull
    type: kubernetes.io/dockerconfigjson
    literals: ['.dockerconfigjson={}']
`,
    'deployment.yaml': deployment('web'),
    'cronjob.yaml': `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: job
              image: job
              envFrom: [{configMapRef: {name: settings}}]
`,
    'elsewhere.yaml': `apiVersion: v1
kind: Namespace
metadata: {name: apps}
`,
  },
  patches: {
    'base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: base-ns
resources: [deployment.yaml, vs.yaml]
`,
    'base/deployment.yaml': deployment('web') + '---\n' + deployment('api'),
    'base/vs.yaml': virtualService,
    'component/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources: [extra.yaml]
patches:
  - target: {kind: Deployment, labelSelector: "tier in (back,front),app!=api"}
    patch: |
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: ignored
        labels: {patched-by: component}
      spec:
        template:
          metadata:
            annotations: {sidecar: "true"}
`,
    'component/extra.yaml': `apiVersion: v1
kind: ServiceAccount
metadata: {name: extra}
`,
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: final
labels:
  - pairs: {part-of: fixture}
    includeSelectors: false
  - pairs: {tier: overridden}
resources: [base]
components: [component]
patches:
  - path: multi.yaml
  - target: {name: "a.i", annotationSelector: team=blue}
    patch: |
      kind: Deployment
      metadata: {name: x}
      spec:
        replicas: 3
  - target: {group: networking.istio.io, kind: VirtualService}
    patch: |
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: x}
      spec:
        gateways: [mesh]
`,
    'multi.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: base-ns
  annotations: {team: null, added: "yes"}
spec:
  template:
    spec:
      initContainers: null
      containers:
        - name: side
          image: side:2
          env: [{name: NEW, value: x}]
        - name: extra
          image: extra:1
        - name: main
          env:
            - {name: SECRET, value: "not any more"}
            - {name: ONE, value: uno}
            - {name: TWO, value: dos}
          volumeMounts:
            - {name: config, mountPath: /config, readOnly: true}
            - {name: data, mountPath: /data}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: vs
  namespace: base-ns
spec:
  http:
    - name: second
      route: [{destination: {host: vs, port: {number: 80}}}]
      timeout: 5s
`,
  },
  'list order': {
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [d.yaml]
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
    'd.yaml': `apiVersion: apps/v1
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
`,
  },
};

/** Fixtures the renderer must refuse (each uses a feature it does not support). */
const REFUSED: Record<string, Files> = {
  images: {
    'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [d.yaml]\nimages: [{name: main, newTag: "2"}]\n',
    'd.yaml': deployment('web'),
  },
  'json 6902 patch': {
    'kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [d.yaml]\npatches:\n  - target: {kind: Deployment}\n    patch: |\n      - op: replace\n        path: /spec/replicas\n        value: 2\n',
    'd.yaml': deployment('web'),
  },
  'list kustomize merges by a key the renderer does not know': {
    'kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [d.yaml]\npatches:\n  - target: {kind: Deployment}\n    patch: |\n      kind: Deployment\n      metadata: {name: x}\n      spec:\n        template:\n          spec:\n            volumes: [{name: settings, configMap: {name: other}}]\n',
    'd.yaml': deployment('web'),
  },
  'includeSelectors': {
    'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [d.yaml]\nlabels: [{pairs: {a: b}, includeSelectors: true}]\n',
    'd.yaml': deployment('web'),
  },
  'NEL, which kustomize writes raw': {
    'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator: [{name: x, files: [f.txt]}]\n',
    'f.txt': 'a\u0085b',
  },
  'a character kustomize cannot write': {
    'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator: [{name: x, literals: ["A=a\u007fb"]}]\n',
  },
  'reference outside a pod spec': {
    'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [sa.yaml]\nsecretGenerator: [{name: token, literals: [a=b]}]\n',
    'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\nsecrets: [{name: token}]\n',
  },
};

function writeFixture(dir: string, files: Files): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

function main(): void {
  let failed = 0;
  const report = (name: string, problems: string[], count: number): void => {
    if (problems.length === 0) console.log(`same     ${name} (${count} objects)`);
    else {
      failed++;
      console.log(`DIFFERS  ${name}\n${problems.map((p) => `  ${p}`).join('\n')}`);
    }
  };
  for (const entry of ENTRY_POINTS) {
    const ours = render(entry);
    report(entry, compare(ours, kubectl(entry)), ours.length);
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kustomize-compare-'));
  try {
    for (const [name, files] of Object.entries(FIXTURES)) {
      const dir = path.join(tmp, name);
      writeFixture(dir, files);
      let ours: K8sObject[];
      try {
        ours = render(dir);
      } catch (err) {
        report(`fixture ${name}`, [`the renderer fails: ${(err as Error).message}`], 0);
        continue;
      }
      report(`fixture ${name}`, compare(ours, kubectl(dir)), ours.length);
    }
    for (const [name, files] of Object.entries(REFUSED)) {
      const dir = path.join(tmp, `refused-${name.replace(/\W+/g, '-')}`);
      writeFixture(dir, files);
      const theirs = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
      const kubectlSays = theirs.status === 0 ? 'kubectl renders it' : `kubectl fails too: ${theirs.stderr.trim().split('\n')[0]}`;
      try {
        render(dir);
        failed++;
        console.log(`ACCEPTED refused fixture ${name} (${kubectlSays})`);
      } catch (err) {
        if (!(err instanceof KustomizeError)) throw err;
        console.log(`refused  ${name}: ${err.message.replace(tmp, '<tmp>')} (${kubectlSays})`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(failed === 0 ? 'the renderer and kubectl agree' : `${failed} difference(s)`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main();
