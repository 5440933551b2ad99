/**
 * Kustomization files: a schema of the fields kustomize accepts (neither
 * model package has one), the paths each file references, and a renderer.
 *
 * The renderer reproduces `kubectl kustomize` (checked against kubectl 1.32,
 * which bundles kustomize v5.5) for exactly the features this repository's
 * kustomizations use, so the tests need no kubectl:
 *
 * - `resources`: YAML files (multi-document) and directories holding a
 *   Kustomization; `components`: directories holding a Component. Kustomize's
 *   order: resources, then generators, then components, then transformers.
 * - `configMapGenerator` and `secretGenerator`: `files` (`key=path` or
 *   `path`), `envs`, `literals`; `behavior` create, merge or replace;
 *   `options` and `generatorOptions` with `labels`, `annotations` and
 *   `disableNameSuffixHash`. Generated objects get kustomize's content hash
 *   as a name suffix at the end of the build, and references to them from pod
 *   specs (`envFrom`, `env[].valueFrom`, `volumes`, projected volumes,
 *   `imagePullSecrets`) are rewritten to the hashed names.
 * - `patches`: strategic merge patches, inline or from a file, one or several
 *   documents, with or without a `target` (group, version, kind, name,
 *   namespace as anchored regular expressions; labelSelector;
 *   annotationSelector). Lists in a patch replace the target's list (what
 *   kustomize does for custom resources, which have no schema), except, for
 *   Kubernetes' own kinds, the lists kustomize merges by key that this
 *   renderer knows: containers and initContainers (name), their env (name)
 *   and volumeMounts (mountPath).
 * - `namespace`, and `labels` (pairs, without selectors or templates).
 *
 * Anything else fails loudly, never renders silently wrong: an unknown or
 * unsupported kustomization field or option, a JSON 6902 patch, a patch
 * directive (`$patch`, `$retainKeys`, ...), a list in a patch of a Kubernetes
 * kind that kustomize would merge by a key not listed above, an object kind
 * whose namespace handling kustomize special-cases, any remaining
 * `*name`/`*Name` field that still names a generated object after the
 * reference rewrite (a reference this renderer does not know), and strings
 * kustomize cannot write faithfully (DEL, C1 controls, U+FFFE, U+FFFF).
 *
 * support/kustomize-compare.ts compares it with `kubectl kustomize` on every
 * entry point and on fixtures for each feature, where kubectl exists; it is
 * a tool, not a test.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
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

interface KustomizationRefs {
  resources?: string[];
  components?: string[];
  patches?: { path?: string }[];
  configMapGenerator?: { files?: string[]; envs?: string[] }[];
  secretGenerator?: { files?: string[]; envs?: string[] }[];
}

/** Every path a kustomization references (resources, components, patch files, generator inputs), relative to the root. */
export function referencedPaths(file: string): string[] {
  const k = parseYamlStream(read(file), file)[0] as KustomizationRefs;
  const dir = path.posix.dirname(file);
  const local = [
    ...(k.resources ?? []),
    ...(k.components ?? []),
    ...(k.patches ?? []).flatMap((p) => (p.path ? [p.path] : [])),
    ...[...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])].flatMap((g) => [
      ...(g.files ?? []).map((f) => f.split('=').pop()!),
      ...(g.envs ?? []),
    ]),
  ];
  return local.map((p) => path.posix.normalize(path.posix.join(dir, p)));
}

// ---------------------------------------------------------------- the renderer

type Json = Record<string, unknown>;

/** A renderer limitation or a kustomization kustomize itself would reject. */
export class KustomizeError extends Error {
  override name = 'KustomizeError';
}

function fail(where: string, message: string): never {
  throw new KustomizeError(`${where}: ${message}`);
}

const isMap = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

interface Id {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
}

interface Res {
  obj: K8sObject;
  /** Ids it had before (namespace changes), as kustomize keeps them to match patches and merges. */
  previous: Id[];
  /** Kustomize appends the content hash to its name at the end of the build. */
  needsHash: boolean;
  /** Only while a generator's output is absorbed. */
  behavior?: 'create' | 'merge' | 'replace';
}

function gvOf(apiVersion: unknown): { group: string; version: string } {
  const s = String(apiVersion ?? '');
  const slash = s.lastIndexOf('/');
  return slash < 0 ? { group: '', version: s } : { group: s.slice(0, slash), version: s.slice(slash + 1) };
}

function idOf(obj: K8sObject): Id {
  return { ...gvOf(obj.apiVersion), kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace ?? '' };
}

/** Kinds kustomize (kyaml) treats as cluster-scoped; everything else, custom resources included, is namespaced. */
const CLUSTER_SCOPED = new Set([
  'APIService',
  'CSIDriver',
  'CSINode',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'RuntimeClass',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'StorageClass',
  'SubjectAccessReview',
  'TokenReview',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** Kinds whose namespace kustomize's namespace transformer special-cases (subjects, webhook services, ...): not supported. */
const NAMESPACE_SPECIAL = new Set([
  'RoleBinding',
  'ClusterRoleBinding',
  'APIService',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]);

/** resid's EffectiveNamespace: what ids compare and selectors match. */
const effectiveNamespace = (id: Id): string => (CLUSTER_SCOPED.has(id.kind) ? '_non_namespaceable_' : id.namespace || 'default');

const sameId = (a: Id, b: Id): boolean =>
  a.group === b.group && a.version === b.version && a.kind === b.kind && a.name === b.name && effectiveNamespace(a) === effectiveNamespace(b);

const allIds = (r: Res): Id[] => [...r.previous, idOf(r.obj)];
const describeId = (id: Id): string => `${id.group ? `${id.group}/` : ''}${id.version} ${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;

function appendUnique(into: Res[], res: Res, where: string): void {
  const id = idOf(res.obj);
  if (into.some((r) => sameId(idOf(r.obj), id))) fail(where, `may not add resource with an already registered id: ${describeId(id)}`);
  into.push(res);
}

// ---------------------------------------------------------------- kustomization files

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
}
interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  files?: string[];
  envs?: string[];
  literals?: string[];
  type?: string;
  options?: GeneratorOptions;
}
interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}
interface Patch {
  path?: string;
  patch?: string;
  target?: Selector;
}
interface Kustomization {
  apiVersion: string;
  kind: 'Kustomization' | 'Component';
  namespace?: string;
  resources?: string[];
  components?: string[];
  labels?: { pairs?: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  patches?: Patch[];
  configMapGenerator?: GeneratorArgs[];
  secretGenerator?: GeneratorArgs[];
  generatorOptions?: GeneratorOptions;
}

const SUPPORTED_FIELDS = [
  'apiVersion',
  'kind',
  'metadata',
  'namespace',
  'resources',
  'components',
  'labels',
  'patches',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
];
const OPTION_FIELDS = ['labels', 'annotations', 'disableNameSuffixHash'];
const SELECTOR_FIELDS = ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'];

function onlyFields(value: unknown, allowed: string[], where: string): void {
  if (!isMap(value)) fail(where, 'must be a map');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(where, `field "${key}" is not supported by this renderer (supported: ${allowed.join(', ')})`);
  }
}

function stringList(value: unknown, where: string): void {
  if (value !== undefined && (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))) fail(where, 'must be a list of strings');
}

function stringMapOf(value: unknown, where: string): void {
  if (value !== undefined && (!isMap(value) || Object.values(value).some((v) => typeof v !== 'string'))) fail(where, 'must be a map of strings');
}

function checkOptions(options: unknown, where: string): void {
  if (options === undefined) return;
  onlyFields(options, OPTION_FIELDS, where);
  const o = options as GeneratorOptions;
  stringMapOf(o.labels, `${where}.labels`);
  stringMapOf(o.annotations, `${where}.annotations`);
  if (o.disableNameSuffixHash !== undefined && typeof o.disableNameSuffixHash !== 'boolean') fail(where, 'disableNameSuffixHash must be a boolean');
}

function loadKustomization(dir: string): { file: string; k: Kustomization } {
  const found = KUSTOMIZATION_FILES.filter((f) => existsSync(path.join(dir, f)));
  if (found.length === 0) fail(dir, 'no kustomization file');
  if (found.length > 1) fail(dir, `several kustomization files: ${found.join(', ')}`);
  const file = path.join(dir, found[0]!);
  const docs = parseYamlStream(readFileSync(file, 'utf8'), file);
  if (docs.length !== 1) fail(file, 'must hold exactly one document');
  const k = docs[0] as Kustomization;
  onlyFields(k, SUPPORTED_FIELDS, file);
  const kinds: Record<string, string> = {
    'kustomize.config.k8s.io/v1beta1': 'Kustomization',
    'kustomize.config.k8s.io/v1alpha1': 'Component',
  };
  if (kinds[k.apiVersion] !== k.kind) fail(file, `apiVersion/kind must be kustomize.config.k8s.io/v1beta1 Kustomization or v1alpha1 Component, not ${k.apiVersion} ${k.kind}`);
  if (k.namespace !== undefined && typeof k.namespace !== 'string') fail(file, 'namespace must be a string');
  stringList(k.resources, `${file}: resources`);
  stringList(k.components, `${file}: components`);
  for (const [i, l] of (k.labels ?? []).entries()) {
    const where = `${file}: labels[${i}]`;
    onlyFields(l, ['pairs', 'includeSelectors', 'includeTemplates'], where);
    stringMapOf(l.pairs, `${where}.pairs`);
    if (l.includeSelectors === true) fail(where, 'includeSelectors: true is not supported by this renderer');
    if (l.includeTemplates === true) fail(where, 'includeTemplates: true is not supported by this renderer');
  }
  for (const [i, p] of (k.patches ?? []).entries()) {
    const where = `${file}: patches[${i}]`;
    onlyFields(p, ['path', 'patch', 'target'], where);
    if ((p.path === undefined) === (p.patch === undefined)) fail(where, 'needs exactly one of path and patch');
    if (p.target !== undefined) {
      onlyFields(p.target, SELECTOR_FIELDS, `${where}.target`);
      for (const [key, v] of Object.entries(p.target)) if (typeof v !== 'string') fail(`${where}.target.${key}`, 'must be a string');
    }
  }
  for (const [field, extra] of [
    ['configMapGenerator', []],
    ['secretGenerator', ['type']],
  ] as const) {
    for (const [i, g] of (k[field] ?? []).entries()) {
      const where = `${file}: ${field}[${i}]`;
      onlyFields(g, ['name', 'namespace', 'behavior', 'files', 'envs', 'literals', 'options', ...extra], where);
      if (typeof g.name !== 'string' || g.name === '') fail(where, 'needs a name');
      for (const list of ['files', 'envs', 'literals'] as const) stringList(g[list], `${where}.${list}`);
      checkOptions(g.options, `${where}.options`);
    }
  }
  checkOptions(k.generatorOptions, `${file}: generatorOptions`);
  return { file, k };
}

/** A path a kustomization names, which must stay inside its directory (kustomize's default load restriction for files). */
function localFile(dir: string, rel: string, where: string): string {
  const abs = path.resolve(dir, rel);
  if (abs !== dir && !abs.startsWith(dir + path.sep)) fail(where, `${rel} is outside ${dir} (kustomize's load restrictor forbids it)`);
  if (!existsSync(abs) || !statSync(abs).isFile()) fail(where, `${rel} is not a file`);
  return abs;
}

function objectsFromFile(file: string): K8sObject[] {
  return parseYamlStream(readFileSync(file, 'utf8'), file).map((doc, i) => {
    const where = `${file} document ${i + 1}`;
    if (!isMap(doc)) fail(where, 'is not a map');
    if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') fail(where, 'needs apiVersion and kind');
    if (doc.kind === 'List' || doc.kind.endsWith('List')) fail(where, `${doc.kind} objects are not supported by this renderer`);
    if (!isMap(doc.metadata) || typeof doc.metadata.name !== 'string') fail(where, 'needs metadata.name');
    return doc as K8sObject;
  });
}

// ---------------------------------------------------------------- generators

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** Key/value pairs of an env file as kustomize reads it: `KEY=value` lines; blank lines and `#` comments skipped. */
function envPairs(content: string, where: string): [string, string][] {
  const pairs: [string, string][] = [];
  const lines = content.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [i, raw] of lines.entries()) {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0) line = line.replace(/^\uFEFF/, '');
    line = line.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    // Without "=", kustomize versions differ (the process environment, or an empty value).
    if (eq < 0) fail(`${where} line ${i + 1}`, 'a line without "=" is not supported by this renderer');
    const key = line.slice(0, eq);
    if (!ENV_NAME.test(key)) fail(`${where} line ${i + 1}`, `"${key}" is not a valid environment variable name`);
    pairs.push([key, line.slice(eq + 1)]);
  }
  return pairs;
}

/** kustomize's removeQuotes: one pair of matching surrounding quotes is dropped from a literal's value. */
function unquote(s: string): string {
  if (s.length >= 2 && s[0] === s.at(-1) && (s[0] === '"' || s[0] === "'")) return s.slice(1, -1);
  return s;
}

function literalPair(source: string, where: string): [string, string] {
  const eq = source.indexOf('=');
  if (eq <= 0) fail(where, `literal "${source}" must be KEY=VALUE`);
  return [source.slice(0, eq), unquote(source.slice(eq + 1))];
}

function utf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** kustomize's base64 for generated data: lines of 70 characters, each ended by a newline once there are 70 or more. */
function base64(bytes: Buffer | string): string {
  const encoded = Buffer.from(bytes).toString('base64');
  if (encoded.length < 70) return encoded;
  return encoded.replace(/.{1,70}/g, '$&\n');
}

function generate(kind: 'ConfigMap' | 'Secret', args: GeneratorArgs, dir: string, global: GeneratorOptions | undefined, where: string): Res {
  // A generator's own labels and annotations win over generatorOptions' (as kubectl's kustomize does it).
  const local = args.options ?? {};
  const options: GeneratorOptions = {
    labels: { ...global?.labels, ...local.labels },
    annotations: { ...global?.annotations, ...local.annotations },
    disableNameSuffixHash: Boolean(local.disableNameSuffixHash || global?.disableNameSuffixHash),
  };
  const behavior = args.behavior ?? 'create';
  if (behavior !== 'create' && behavior !== 'merge' && behavior !== 'replace') fail(where, `unknown behavior "${behavior}"`);

  const entries: [string, Buffer | string][] = [];
  for (const env of args.envs ?? []) {
    entries.push(...envPairs(readFileSync(localFile(dir, env, where), 'utf8'), `${where} ${env}`));
  }
  for (const lit of args.literals ?? []) entries.push(literalPair(lit, where));
  for (const f of args.files ?? []) {
    const eq = f.indexOf('=');
    if (eq === 0) fail(where, `file source "${f}" has an empty key`);
    const key = eq < 0 ? path.basename(f) : f.slice(0, eq);
    const file = eq < 0 ? f : f.slice(eq + 1);
    entries.push([key, readFileSync(localFile(dir, file, where))]);
  }

  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (!DATA_KEY.test(key)) fail(where, `"${key}" is not a valid ${kind} key`);
    if (key in data || key in binaryData) fail(where, `${kind} ${args.name} repeats the key "${key}"`);
    if (kind === 'Secret') {
      data[key] = base64(value);
    } else if (typeof value === 'string') {
      data[key] = value;
    } else {
      const text = utf8(value);
      if (text === undefined) binaryData[key] = base64(value);
      else data[key] = text;
    }
  }

  const metadata: Json = { name: args.name };
  if (args.namespace) metadata.namespace = args.namespace;
  if (Object.keys(options.labels!).length > 0) metadata.labels = options.labels;
  if (Object.keys(options.annotations!).length > 0) metadata.annotations = options.annotations;
  const obj: Json = { apiVersion: 'v1', kind, metadata };
  if (kind === 'Secret') obj.type = args.type ?? 'Opaque';
  if (Object.keys(data).length > 0) obj.data = data;
  if (Object.keys(binaryData).length > 0) obj.binaryData = binaryData;
  return { obj: obj as unknown as K8sObject, previous: [], needsHash: !options.disableNameSuffixHash, behavior };
}

/** kustomize's appendReplaceOrMerge: a generated object is added, or merged into or replaces the one it names. */
function absorb(into: Res[], res: Res, where: string): void {
  const id = idOf(res.obj);
  const matches = into.filter((r) => allIds(r).some((other) => sameId(other, id)));
  const behavior = res.behavior!;
  delete res.behavior;
  if (matches.length === 0) {
    if (behavior !== 'create') fail(where, `${describeId(id)} does not exist; cannot ${behavior}`);
    appendUnique(into, res, where);
    return;
  }
  if (matches.length > 1) fail(where, `several objects could accept ${describeId(id)}`);
  const old = matches[0]!;
  if (behavior === 'create') fail(where, `${describeId(id)} exists; behavior must be merge or replace`);
  const meta = res.obj.metadata;
  meta.labels = { ...old.obj.metadata.labels, ...meta.labels };
  meta.annotations = { ...old.obj.metadata.annotations, ...meta.annotations };
  if (Object.keys(meta.labels).length === 0) delete meta.labels;
  if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  meta.name = old.obj.metadata.name;
  if (old.obj.metadata.namespace) meta.namespace = old.obj.metadata.namespace;
  else delete meta.namespace;
  if (behavior === 'merge') {
    for (const field of ['data', 'binaryData'] as const) {
      const merged = { ...(old.obj[field] as Json | undefined), ...(res.obj[field] as Json | undefined) };
      if (Object.keys(merged).length > 0) res.obj[field] = merged;
    }
  }
  // Hashed only if both were to be (what kubectl's kustomize does; a plain resource never is).
  res.needsHash = res.needsHash && old.needsHash;
  res.previous = old.previous;
  into[into.indexOf(old)] = res;
}

// ---------------------------------------------------------------- patches

function anchored(pattern: string | undefined, where: string): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    fail(where, `bad regular expression ${pattern}: ${(err as Error).message}`);
  }
}

type Requirement = (labels: Record<string, string>) => boolean;

/** A Kubernetes label selector: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma-separated. */
function parseSelector(selector: string, where: string): Requirement[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((term): Requirement => {
      let m: RegExpMatchArray | null;
      if ((m = term.match(/^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/))) {
        const [, key, op, value] = m as unknown as [string, string, string, string];
        return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
      }
      if ((m = term.match(/^([^\s=!(),]+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
        const [, key, op, list] = m as unknown as [string, string, string, string];
        const values = list.split(',').map((v) => v.trim());
        return op === 'in' ? (l) => key in l && values.includes(l[key]!) : (l) => !(key in l) || !values.includes(l[key]!);
      }
      if ((m = term.match(/^!\s*([^\s=!(),]+)$/))) {
        const key = m[1]!;
        return (l) => !(key in l);
      }
      if ((m = term.match(/^([^\s=!(),]+)$/))) {
        const key = m[1]!;
        return (l) => key in l;
      }
      fail(where, `label selector term "${term}" is not understood`);
    });
}

function select(resources: Res[], target: Selector, where: string): Res[] {
  const re = {
    group: anchored(target.group, where),
    version: anchored(target.version, where),
    kind: anchored(target.kind, where),
    name: anchored(target.name, where),
    namespace: anchored(target.namespace, where),
  };
  const labels = target.labelSelector ? parseSelector(target.labelSelector, where) : [];
  const annotations = target.annotationSelector ? parseSelector(target.annotationSelector, where) : [];
  return resources.filter((r) => {
    const cur = idOf(r.obj);
    const org = r.previous[0] ?? cur;
    // As kustomize does: the original or the current namespace and name.
    if (re.namespace && !re.namespace.test(effectiveNamespace(org)) && !re.namespace.test(effectiveNamespace(cur))) return false;
    if (re.name && !re.name.test(org.name) && !re.name.test(cur.name)) return false;
    if (re.group && !re.group.test(cur.group)) return false;
    if (re.version && !re.version.test(cur.version)) return false;
    if (re.kind && !re.kind.test(cur.kind)) return false;
    const l = r.obj.metadata.labels ?? {};
    const a = r.obj.metadata.annotations ?? {};
    return labels.every((req) => req(l)) && annotations.every((req) => req(a));
  });
}

/** Whether kustomize has a schema for the kind (Kubernetes' own API groups): its lists then merge by the schema's keys. */
function isBuiltinKind(apiVersion: string): boolean {
  const { group } = gvOf(apiVersion);
  return !group.includes('.') || group.endsWith('.k8s.io');
}

const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The merge key of a list in a Kubernetes kind's strategic merge patch, among those this renderer supports. */
function mergeKey(kind: string, at: string[]): string | undefined {
  const pod = POD_SPEC_PATHS[kind];
  if (!pod || at.length <= pod.length || pod.some((p, i) => at[i] !== p)) return undefined;
  const rest = at.slice(pod.length).join('/');
  if (/^(containers|initContainers)$/.test(rest)) return 'name';
  if (/^(containers|initContainers)\/\*\/env$/.test(rest)) return 'name';
  if (/^(containers|initContainers)\/\*\/volumeMounts$/.test(rest)) return 'mountPath';
  return undefined;
}

interface MergeContext {
  kind: string;
  builtin: boolean;
  where: string;
}

/**
 * A strategic merge of patch into dest, as kustomize (kyaml) does it: maps
 * merge, null deletes, scalars replace; lists replace, except the keyed lists
 * of Kubernetes kinds listed in mergeKey, whose result is the patch's
 * elements in the patch's order (each merged into the target's element of
 * the same key), then the target's other elements in their order.
 */
function merge(dest: unknown, patch: unknown, at: string[], ctx: MergeContext): unknown {
  const here = `${ctx.where} at /${at.join('/')}`;
  if (isMap(patch)) {
    if (dest !== undefined && dest !== null && !isMap(dest)) fail(here, 'the patch has a map where the target has none');
    const result: Json = isMap(dest) ? { ...dest } : {};
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) fail(here, `patch directive "${key}" is not supported by this renderer`);
      if (value === null) delete result[key];
      else result[key] = merge(result[key], value, [...at, key], ctx);
    }
    return result;
  }
  if (Array.isArray(patch)) {
    if (!ctx.builtin) return clone(patch);
    const key = mergeKey(ctx.kind, at);
    if (!key) fail(here, `a list in a strategic merge patch of a ${ctx.kind}: kustomize may merge it by a key this renderer does not know`);
    if (dest !== undefined && dest !== null && !Array.isArray(dest)) fail(here, 'the patch has a list where the target has none');
    // The patch's elements in its order, merged into the target's of the same key, then the target's others.
    const existing = (dest as unknown[] | undefined) ?? [];
    for (const element of [...existing, ...patch]) {
      if (!isMap(element) || element[key] === undefined) fail(here, `every element needs the merge key "${key}"`);
    }
    const keys = patch.map((e) => (e as Json)[key]);
    if (new Set(keys).size !== keys.length) fail(here, `the patch repeats a "${key}"`);
    const merged = patch.map((element) => {
      const target = existing.find((d) => (d as Json)[key] === (element as Json)[key]);
      return merge(target, element, [...at, '*'], ctx);
    });
    return [...merged, ...clone(existing.filter((d) => !keys.includes((d as Json)[key])))];
  }
  if (isMap(dest) || Array.isArray(dest)) fail(here, 'the patch has a scalar where the target has a map or list');
  return patch;
}

function applyStrategicMerge(res: Res, patch: Json, where: string): void {
  const original = res.obj;
  const ctx: MergeContext = { kind: original.kind, builtin: isBuiltinKind(original.apiVersion), where: `${where} (${original.kind} ${original.metadata.name})` };
  const merged = merge(original, { ...patch, apiVersion: original.apiVersion, kind: original.kind }, [], ctx) as K8sObject;
  // Patches cannot rename, move or re-kind what they patch.
  merged.apiVersion = original.apiVersion;
  merged.kind = original.kind;
  merged.metadata = { ...merged.metadata, name: original.metadata.name };
  if (original.metadata.namespace) merged.metadata.namespace = original.metadata.namespace;
  else delete merged.metadata.namespace;
  res.obj = merged;
}

function applyPatch(resources: Res[], p: Patch, dir: string, where: string): void {
  const text = p.patch ?? readFileSync(localFile(dir, p.path!, where), 'utf8');
  const docs = parseYamlStream(text, where);
  if (docs.length === 0) fail(where, 'the patch is empty');
  if (docs.some(Array.isArray)) fail(where, 'JSON 6902 patches are not supported by this renderer');
  for (const [i, doc] of docs.entries()) {
    const at = docs.length > 1 ? `${where} document ${i + 1}` : where;
    if (!isMap(doc) || typeof doc.kind !== 'string') fail(at, 'a strategic merge patch needs a kind');
    if (p.target) {
      for (const res of select(resources, p.target, at)) applyStrategicMerge(res, doc, at);
      continue;
    }
    const meta = doc.metadata as Json | undefined;
    if (typeof doc.apiVersion !== 'string' || typeof meta?.name !== 'string') fail(at, 'a patch without a target needs apiVersion and metadata.name');
    const id: Id = { ...gvOf(doc.apiVersion), kind: doc.kind, name: meta.name, namespace: typeof meta.namespace === 'string' ? meta.namespace : '' };
    const matches = resources.filter((r) => allIds(r).some((other) => sameId(other, id)));
    if (matches.length !== 1) fail(at, `${matches.length === 0 ? 'no' : 'several'} objects match ${describeId(id)}`);
    applyStrategicMerge(matches[0]!, doc, at);
  }
}

// ---------------------------------------------------------------- namespace and labels

function setNamespace(resources: Res[], namespace: string, where: string): void {
  for (const res of resources) {
    const { kind, metadata } = res.obj;
    if (NAMESPACE_SPECIAL.has(kind)) fail(where, `namespace transformation of a ${kind} is not supported by this renderer`);
    if (CLUSTER_SCOPED.has(kind)) {
      // kustomize renames Namespace objects to the kustomization's namespace.
      if (kind === 'Namespace' && metadata.name !== namespace) fail(where, `Namespace ${metadata.name} would be renamed to ${namespace}: not supported by this renderer`);
      continue;
    }
    res.previous.push(idOf(res.obj));
    metadata.namespace = namespace;
  }
}

function addLabels(resources: Res[], pairs: Record<string, string>): void {
  for (const res of resources) res.obj.metadata.labels = { ...res.obj.metadata.labels, ...pairs };
}

// ---------------------------------------------------------------- the build

function accumulate(dir: string, resources: Res[], role: 'Kustomization' | 'Component', stack: string[]): Res[] {
  if (stack.includes(dir)) fail(dir, `cycle: ${[...stack, dir].join(' -> ')}`);
  const inner = [...stack, dir];
  const { file, k } = loadKustomization(dir);
  if (k.kind !== role) fail(file, `is a ${k.kind}, but is used as a ${role === 'Component' ? 'component' : 'resource'}`);

  for (const entry of k.resources ?? []) {
    const where = `${file}: resource ${entry}`;
    const target = path.resolve(dir, entry);
    if (!existsSync(target)) fail(where, 'does not exist');
    if (statSync(target).isDirectory()) {
      if (dir.startsWith(target + path.sep)) fail(where, 'includes an ancestor of the kustomization');
      for (const res of accumulate(target, [], 'Kustomization', inner)) appendUnique(resources, res, where);
    } else {
      for (const obj of objectsFromFile(localFile(dir, entry, where))) appendUnique(resources, { obj, previous: [], needsHash: false }, where);
    }
  }

  for (const [field, kind] of [
    ['configMapGenerator', 'ConfigMap'],
    ['secretGenerator', 'Secret'],
  ] as const) {
    for (const [i, args] of (k[field] ?? []).entries()) {
      const where = `${file}: ${field}[${i}]`;
      absorb(resources, generate(kind, args, dir, k.generatorOptions, where), where);
    }
  }

  for (const entry of k.components ?? []) {
    const target = path.resolve(dir, entry);
    if (!existsSync(target) || !statSync(target).isDirectory()) fail(`${file}: component ${entry}`, 'is not a directory');
    accumulate(target, resources, 'Component', inner);
  }

  for (const [i, p] of (k.patches ?? []).entries()) applyPatch(resources, p, dir, `${file}: patches[${i}]`);
  if (k.namespace) setNamespace(resources, k.namespace, `${file}: namespace`);
  for (const l of k.labels ?? []) addLabels(resources, l.pairs ?? {});
  return resources;
}

/**
 * Go's encoding/json string escaping (HTML-safe), which kustomize's hash
 * input goes through: JSON.stringify's, plus <, >, &, U+2028 and U+2029
 * escaped. (\b and \f as Go 1.22+ writes them, the Go of kubectl 1.30+.)
 */
function goJson(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
  }
  if (isMap(value)) {
    // Go sorts map keys by their bytes.
    const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${goJson(k)}:${goJson(value[k])}`).join(',')}}`;
  }
  throw new KustomizeError(`unexpected value in hash input: ${JSON.stringify(value)}`);
}

/**
 * kustomize's content hash of a generated ConfigMap or Secret (api/hasher):
 * the first ten hex digits of the SHA-256 of a JSON encoding of kind, name,
 * data (and type), with 0, 1, 3, a, e swapped for g, h, k, m, t. kustomize v5
 * looks the name up as one field called "metadata/name", finds none and
 * hashes an empty name, so the hash depends on the content only (checked
 * against kubectl 1.32's kustomize v5.5).
 */
export function contentHash(obj: K8sObject): string {
  const field = (key: string): unknown => (obj[key] === undefined ? '' : obj[key]);
  const input: Json =
    obj.kind === 'ConfigMap'
      ? { kind: 'ConfigMap', name: '', data: field('data') }
      : obj.kind === 'Secret'
        ? { kind: 'Secret', type: field('type'), name: '', data: field('data') }
        : fail(obj.kind, 'only ConfigMaps and Secrets get a content hash here');
  if (obj.kind === 'ConfigMap' && isMap(obj.binaryData)) input.binaryData = obj.binaryData;
  if (obj.kind === 'Secret' && isMap(obj.stringData)) input.stringData = obj.stringData;
  const hex = createHash('sha256').update(goJson(input)).digest('hex');
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

interface Rename {
  kind: 'ConfigMap' | 'Secret';
  namespace: string;
  from: string;
  to: string;
}

/** The reference fields of a pod spec kustomize rewrites to generated names, as [kind, holder, field]. */
function podSpecReferences(spec: Json): [Rename['kind'], Json, string][] {
  const refs: [Rename['kind'], Json, string][] = [];
  const maps = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isMap) : []);
  const sub = (v: unknown, key: string): Json | undefined => (isMap(v) && isMap(v[key]) ? v[key] : undefined);
  for (const c of [...maps(spec.containers), ...maps(spec.initContainers)]) {
    for (const e of maps(c.env)) {
      const cm = sub(e.valueFrom, 'configMapKeyRef');
      const secret = sub(e.valueFrom, 'secretKeyRef');
      if (cm) refs.push(['ConfigMap', cm, 'name']);
      if (secret) refs.push(['Secret', secret, 'name']);
    }
    for (const e of maps(c.envFrom)) {
      if (isMap(e.configMapRef)) refs.push(['ConfigMap', e.configMapRef, 'name']);
      if (isMap(e.secretRef)) refs.push(['Secret', e.secretRef, 'name']);
    }
  }
  for (const v of maps(spec.volumes)) {
    if (isMap(v.configMap)) refs.push(['ConfigMap', v.configMap, 'name']);
    if (isMap(v.secret)) refs.push(['Secret', v.secret, 'secretName']);
    for (const s of maps(sub(v, 'projected')?.sources)) {
      if (isMap(s.configMap)) refs.push(['ConfigMap', s.configMap, 'name']);
      if (isMap(s.secret)) refs.push(['Secret', s.secret, 'name']);
    }
  }
  for (const s of maps(spec.imagePullSecrets)) refs.push(['Secret', s, 'name']);
  return refs;
}

function podSpecOf(obj: K8sObject): Json | undefined {
  const at = POD_SPEC_PATHS[obj.kind];
  if (!at) return undefined;
  let node: unknown = obj;
  for (const key of at) node = isMap(node) ? node[key] : undefined;
  return isMap(node) ? node : undefined;
}

/** Fields still naming a generated object by its old name, outside labels, annotations and generated data. */
function leftoverReferences(obj: K8sObject, renames: Rename[]): string[] {
  const old = new Set(renames.map((r) => r.from));
  const found: string[] = [];
  const walk = (node: unknown, at: string[]): void => {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...at, String(i)]));
    else if (isMap(node)) {
      for (const [key, value] of Object.entries(node)) {
        const here = [...at, key];
        const skip = at.length === 1 && at[0] === 'metadata' && (key === 'labels' || key === 'annotations');
        if (skip || (at.length === 0 && (key === 'data' || key === 'binaryData' || key === 'stringData'))) continue;
        // A container's or a volume's own name is not a reference.
        const ownName = key === 'name' && /^(containers|initContainers|ephemeralContainers|volumes|ports)$/.test(at.at(-2) ?? '');
        if (typeof value === 'string' && /name$/i.test(key) && old.has(value) && !ownName) found.push(`/${here.join('/')}`);
        else walk(value, here);
      }
    }
  };
  walk(obj, []);
  return found;
}

/** kustomize's last steps: content hashes appended to generated names, and the references to them rewritten. */
function finish(resources: Res[], where: string): K8sObject[] {
  const renames: Rename[] = [];
  for (const res of resources) {
    if (!res.needsHash) continue;
    const { kind, metadata } = res.obj;
    if (kind !== 'ConfigMap' && kind !== 'Secret') fail(where, `${kind} ${metadata.name} cannot get a content hash`);
    const to = `${metadata.name}-${contentHash(res.obj)}`;
    renames.push({ kind, namespace: effectiveNamespace(idOf(res.obj)), from: metadata.name, to });
    metadata.name = to;
  }
  for (const res of resources) {
    const spec = podSpecOf(res.obj);
    const namespace = effectiveNamespace(idOf(res.obj));
    for (const [kind, holder, field] of spec ? podSpecReferences(spec) : []) {
      const rename = renames.filter((r) => r.kind === kind && r.namespace === namespace && r.from === holder[field]);
      if (rename.length > 1) fail(where, `${res.obj.kind} ${res.obj.metadata.name} refers to ${kind} ${String(holder[field])}, which is ambiguous`);
      if (rename.length === 1) holder[field] = rename[0]!.to;
    }
  }
  if (renames.length > 0) {
    for (const res of resources) {
      const left = leftoverReferences(res.obj, renames);
      if (left.length > 0) {
        fail(where, `${res.obj.kind} ${res.obj.metadata.name} names a generated object at ${left.join(', ')}, a reference this renderer does not rewrite`);
      }
    }
  }
  for (const res of resources) {
    const bad = unwritable(res.obj);
    if (bad) fail(where, `${res.obj.kind} ${res.obj.metadata.name}: ${bad} holds a character kustomize cannot write faithfully (DEL, C1 controls, U+FFFE, U+FFFF)`);
  }
  return resources.map((r) => r.obj);
}

/**
 * Characters kustomize's YAML writer refuses (DEL, C1 controls, U+FFFE,
 * U+FFFF), and NEL, which it writes raw where YAML 1.1 readers (kubectl's)
 * take it for a line break.
 */
const UNWRITABLE = /[\u007f-\u009f\ufffe\uffff]/;

function unwritable(node: unknown, at = ''): string | undefined {
  if (typeof node === 'string') return UNWRITABLE.test(node) ? at || '/' : undefined;
  if (Array.isArray(node)) {
    for (const [i, v] of node.entries()) {
      const bad = unwritable(v, `${at}/${i}`);
      if (bad) return bad;
    }
  } else if (isMap(node)) {
    for (const [k, v] of Object.entries(node)) {
      const bad = UNWRITABLE.test(k) ? `${at}/${k}` : unwritable(v, `${at}/${k}`);
      if (bad) return bad;
    }
  }
  return undefined;
}

/**
 * The objects `kustomize build <dir>` renders (dir relative to the root, or
 * absolute), in the order kustomize accumulates them (its output sorts them
 * by kind; Tilt and kubectl apply order themselves).
 */
export function render(dir: string): K8sObject[] {
  const abs = path.resolve(ROOT, dir);
  return clone(finish(accumulate(abs, [], 'Kustomization', []), abs));
}
