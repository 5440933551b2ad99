/**
 * Validates manifests against the schemas shipped in kubernetes-models and
 * @kubernetes-models/istio, and rejects fields those schemas do not know
 * (their validate() ignores unknown fields, and a misspelt field is exactly
 * the mistake a cluster would silently drop or reject).
 *
 * - Istio: the package registers plain JSON schemas; they are captured and
 *   walked property by property.
 * - Kubernetes: kubernetes-models 4.x ships only compiled validators, no JSON
 *   schema. A compiled validator reads every property its schema declares
 *   and enumerates the keys only of maps, so the object is validated through
 *   a proxy that records both: an own key never read on a non-map object is
 *   a field the schema does not have.
 *
 * The package's IstioOperator schema has no `spec` at all (Istio's CRD leaves
 * it open); its spec is checked against ISTIO_OPERATOR_SPEC below, the part of
 * Istio's IstioOperatorSpec API this project uses.
 *
 * The package has no networking.istio.io/v1 or telemetry.istio.io/v1 types,
 * nor security.istio.io/v1 PeerAuthentication: those are validated against
 * the newest version it has (v1beta1, v1alpha1), whose schema Istio serves
 * unchanged under v1, with apiVersion swapped.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(__filename);

type Json = Record<string, unknown>;
interface ModelClass {
  new (data: unknown): { validate(): void };
  prototype: { validate(): void };
}
interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

// The Istio models and their validator, loaded through one CommonJS graph so the hook sees their registrations.
const istioDir = path.dirname(require.resolve('@kubernetes-models/istio'));
const istioRequire = createRequire(path.join(istioDir, 'index.js'));
const registry = istioRequire('@kubernetes-models/validate') as { register: (id: string, schema: Schema) => void };
const captured = new Map<string, Schema>();
const originalRegister = registry.register;
registry.register = (id, schema) => {
  captured.set(id, schema);
  originalRegister(id, schema);
};

const k8s = (group: string): Record<string, ModelClass> => require(`kubernetes-models/${group}`) as Record<string, ModelClass>;
const istio = (group: string): Record<string, ModelClass> => istioRequire(`./${group}`) as Record<string, ModelClass>;

interface Target {
  model: ModelClass;
  /** The apiVersion the model validates (differs when an Istio v1 object is checked against an older schema). */
  schemaApiVersion: string;
  family: 'k8s' | 'istio';
}

function targets(): Map<string, Target> {
  const map = new Map<string, Target>();
  const add = (apiVersion: string, kind: string, models: Record<string, ModelClass>, family: Target['family'], schemaApiVersion = apiVersion): void => {
    const model = models[kind];
    if (!model) throw new Error(`no model for ${schemaApiVersion} ${kind}`);
    map.set(`${apiVersion}/${kind}`, { model, schemaApiVersion, family });
  };
  for (const kind of ['ConfigMap', 'Namespace', 'Service', 'ServiceAccount']) add('v1', kind, k8s('v1'), 'k8s');
  add('apps/v1', 'Deployment', k8s('apps/v1'), 'k8s');
  add('batch/v1', 'Job', k8s('batch/v1'), 'k8s');
  for (const kind of ['VirtualService', 'DestinationRule', 'Gateway']) {
    add('networking.istio.io/v1', kind, istio('networking.istio.io/v1beta1'), 'istio', 'networking.istio.io/v1beta1');
  }
  add('security.istio.io/v1', 'AuthorizationPolicy', istio('security.istio.io/v1'), 'istio');
  add('security.istio.io/v1', 'PeerAuthentication', istio('security.istio.io/v1beta1'), 'istio', 'security.istio.io/v1beta1');
  add('telemetry.istio.io/v1', 'Telemetry', istio('telemetry.istio.io/v1alpha1'), 'istio', 'telemetry.istio.io/v1alpha1');
  add('install.istio.io/v1alpha1', 'IstioOperator', istio('install.istio.io/v1alpha1'), 'istio');
  return map;
}

const TARGETS = targets();

/** The kinds this module can validate, as `apiVersion/kind`. */
export function knownKinds(): string[] {
  return [...TARGETS.keys()];
}

// ---- Kubernetes: trace what the compiled validator reads.

interface Trace {
  path: string;
  object: Json;
  read: Set<string>;
  enumerated: boolean;
}

function traced(value: unknown, where: string, traces: Trace[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  const trace: Trace = { path: where, object: value as Json, read: new Set(), enumerated: false };
  traces.push(trace);
  const children = new Map<string, unknown>();
  return new Proxy(value as Json, {
    get(target, key, receiver) {
      const v: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return v;
      trace.read.add(key);
      if (!Object.hasOwn(target, key) || v === null || typeof v !== 'object') return v;
      if (!children.has(key)) children.set(key, traced(v, `${where}/${key}`, traces));
      return children.get(key);
    },
    ownKeys(target) {
      trace.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

function k8sUnknownFields(doc: Json, model: ModelClass): string[] {
  const traces: Trace[] = [];
  model.prototype.validate.call(traced(doc, '', traces));
  return traces
    .filter((t) => !Array.isArray(t.object) && !t.enumerated)
    .flatMap((t) => Object.keys(t.object).filter((k) => !t.read.has(k)).map((k) => `${t.path}/${k}`));
}

// ---- Istio: walk the JSON schema.

function deref(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const target = captured.get(schema.$ref.replace(/#$/, ''));
  if (!target) throw new Error(`unresolved schema reference ${schema.$ref}`);
  return deref(target);
}

/** The schema and every alternative it composes (allOf, oneOf, anyOf), dereferenced. */
function branches(schema: Schema): Schema[] {
  const s = deref(schema);
  return [s, ...[...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])].flatMap(branches)];
}

export function schemaUnknownFields(value: unknown, schema: Schema, where = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  const all = branches(schema);
  if (Array.isArray(value)) {
    const items = all.find((b) => b.items)?.items;
    return items ? value.flatMap((v, i) => schemaUnknownFields(v, items, `${where}/${i}`)) : [];
  }
  if (all.some((b) => b['x-kubernetes-preserve-unknown-fields'])) return [];
  const declared = all.some((b) => b.properties);
  const properties: Record<string, Schema> = Object.assign({}, ...all.map((b) => b.properties ?? {}));
  const additional = all.find((b) => b.additionalProperties)?.additionalProperties;
  return Object.entries(value as Json).flatMap(([key, v]) => {
    const at = `${where}/${key}`;
    const known = properties[key];
    if (known) return schemaUnknownFields(v, known, at);
    if (additional && typeof additional === 'object') return schemaUnknownFields(v, additional, at);
    if (additional === true || !declared) return [];
    return [at];
  });
}

const open: Schema = { 'x-kubernetes-preserve-unknown-fields': true };

/** The fields of Istio's IstioOperatorSpec (install.istio.io/v1alpha1) this project sets; `values` stays open. */
export const ISTIO_OPERATOR_SPEC: Schema = {
  properties: {
    profile: {},
    hub: {},
    tag: {},
    revision: {},
    namespace: {},
    values: open,
    meshConfig: {
      properties: {
        enableTracing: {},
        accessLogFile: {},
        defaultConfig: { properties: { holdApplicationUntilProxyStarts: {}, terminationDrainDuration: {}, tracing: open } },
        extensionProviders: {
          items: { properties: { name: {}, opentelemetry: { properties: { service: {}, port: {}, maxTagLength: {} } } } },
        },
      },
    },
    components: {
      properties: {
        ingressGateways: { items: { properties: { name: {}, namespace: {}, enabled: {}, label: { additionalProperties: {} }, k8s: open } } },
        egressGateways: { items: { properties: { name: {}, namespace: {}, enabled: {}, k8s: open } } },
        pilot: { properties: { enabled: {}, k8s: open } },
      },
    },
  },
};

function istioSchema(apiVersion: string, kind: string): Schema {
  const id = `${apiVersion.replace('/', '.')}.${kind}`;
  const schema = captured.get(id);
  if (!schema) throw new Error(`schema ${id} was not registered`);
  if (kind === 'IstioOperator') return { ...schema, properties: { ...schema.properties, spec: ISTIO_OPERATOR_SPEC } };
  return schema;
}

/**
 * Problems with one object: schema violations and fields the schema does not
 * know, as readable strings; empty when valid.
 */
export function validateObject(doc: Json): string[] {
  const apiVersion = String(doc.apiVersion);
  const kind = String(doc.kind);
  const target = TARGETS.get(`${apiVersion}/${kind}`);
  if (!target) return [`no schema for ${apiVersion} ${kind}`];
  const checked = { ...doc, apiVersion: target.schemaApiVersion };
  const problems: string[] = [];
  try {
    if (target.family === 'k8s') {
      problems.push(...k8sUnknownFields(checked, target.model).map((f) => `unknown field ${f}`));
    } else {
      new target.model(checked).validate();
      problems.push(...schemaUnknownFields(checked, istioSchema(target.schemaApiVersion, kind)).map((f) => `unknown field ${f}`));
    }
  } catch (err) {
    problems.unshift(`schema: ${(err as Error).message}`);
  }
  return problems;
}
