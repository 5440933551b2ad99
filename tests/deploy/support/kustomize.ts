/**
 * Kustomization files: a schema of the fields kustomize accepts (neither
 * model package has one), the paths each file references, and an optional
 * render through `kubectl kustomize` when kubectl is on the machine.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, parseYamlStream, read, type K8sObject } from './repo';

const strings = { items: {} };
const stringMap = { additionalProperties: {} };
const generator = {
  properties: {
    name: {},
    namespace: {},
    behavior: {},
    files: strings,
    literals: strings,
    envs: strings,
    options: { properties: { labels: stringMap, annotations: stringMap, disableNameSuffixHash: {}, immutable: {} } },
  },
};

/** The kustomization fields kustomize v5 knows (those this project could use), in the JSON-schema form the validator walks. */
export const KUSTOMIZATION_SCHEMA = {
  properties: {
    apiVersion: {},
    kind: {},
    metadata: { properties: { name: {}, namespace: {}, labels: stringMap, annotations: stringMap } },
    namespace: {},
    namePrefix: {},
    nameSuffix: {},
    resources: strings,
    components: strings,
    labels: { items: { properties: { pairs: stringMap, includeSelectors: {}, includeTemplates: {}, fields: { items: {} } } } },
    commonAnnotations: stringMap,
    patches: {
      items: {
        properties: {
          path: {},
          patch: {},
          target: { properties: { group: {}, version: {}, kind: {}, name: {}, namespace: {}, labelSelector: {}, annotationSelector: {} } },
          options: { properties: { allowNameChange: {}, allowKindChange: {} } },
        },
      },
    },
    configMapGenerator: { items: generator },
    secretGenerator: { items: generator },
    generatorOptions: generator.properties.options,
    images: { items: { properties: { name: {}, newName: {}, newTag: {}, digest: {} } } },
    replicas: { items: { properties: { name: {}, count: {} } } },
  },
};

interface Kustomization {
  resources?: string[];
  components?: string[];
  patches?: { path?: string }[];
  configMapGenerator?: { files?: string[]; envs?: string[] }[];
}

/** Every path a kustomization references (resources, components, patch files, generator inputs), relative to the root. */
export function referencedPaths(file: string): string[] {
  const k = parseYamlStream(read(file), file)[0] as Kustomization;
  const dir = path.posix.dirname(file);
  const local = [
    ...(k.resources ?? []),
    ...(k.components ?? []),
    ...(k.patches ?? []).flatMap((p) => (p.path ? [p.path] : [])),
    ...(k.configMapGenerator ?? []).flatMap((g) => [...(g.files ?? []).map((f) => f.split('=').pop()!), ...(g.envs ?? [])]),
  ];
  return local.map((p) => path.posix.normalize(path.posix.join(dir, p)));
}

let kubectlChecked: boolean | undefined;

/** Whether `kubectl kustomize` can run here (it needs no cluster). */
export function hasKubectl(): boolean {
  if (kubectlChecked === undefined) {
    const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 10_000 });
    kubectlChecked = probe.status === 0;
  }
  return kubectlChecked;
}

/** The objects `kubectl kustomize <dir>` renders (dir relative to the root). */
export function render(dir: string): K8sObject[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${run.stderr}`);
  return parseYamlStream(run.stdout, dir) as K8sObject[];
}
