/**
 * The kustomize layout:
 *
 *   deploy/kustomization.yaml         the plain stack: namespace, Redis, Jaeger, Prometheus, Grafana, the services
 *   deploy/k8s/services/              the services alone (the layer the mesh entries build on)
 *   deploy/istio/mesh/                a Component: injection, mTLS, authorization, routing, tracing, ingress
 *   deploy/istio/kustomization.yaml   the services in the mesh, resilience in code
 *   deploy/istio/modes/<mode>/        the services in the mesh, resilience none, code, mesh or both
 *
 * The plain stack's root is deploy/ so the files under deploy/prometheus and
 * deploy/grafana are inside it: kustomize loads files only from below the
 * root that names them. Kustomize also refuses an overlay that includes a
 * directory above itself, so the mesh entries cannot include deploy/; they
 * include the services layer and are applied on top of the plain stack
 * (`kubectl apply -k deploy && kubectl apply -k deploy/istio`), replacing the
 * services' objects and leaving the observability stack as it is.
 */
import { SERVICES, type ServiceName } from '@govrnanza/topology';
import { NAMESPACE, PROXY_DRAIN_SECONDS, labelsOf } from './cluster';
import { observabilityGenerators, type ObservabilityFiles } from './observability';
import { configMapName } from './serviceManifests';

export type ResilienceMode = 'none' | 'code' | 'mesh' | 'both';
export const MODES: readonly ResilienceMode[] = ['none', 'code', 'mesh', 'both'];

/** Modes whose routing is the mesh's (their entries carry a traffic.yaml patch). */
export const MESH_ROUTED: readonly ResilienceMode[] = ['mesh', 'both'];

const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' } as const;
const COMPONENT = { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' } as const;
const NAMES = Object.keys(SERVICES) as ServiceName[];
const PART_OF = [{ pairs: { 'app.kubernetes.io/part-of': 'govrnanza' }, includeSelectors: false }];

/** Infrastructure manifests of the plain stack (hand-written, except Grafana's, which lists the dashboards). */
export const INFRA_MANIFESTS = ['k8s/namespace.yaml', 'k8s/redis.yaml', 'k8s/jaeger.yaml', 'k8s/prometheus.yaml', 'k8s/grafana.yaml'];

export function plainStack(files: ObservabilityFiles): Record<string, unknown> {
  return {
    ...KUSTOMIZATION,
    namespace: NAMESPACE,
    labels: PART_OF,
    resources: [...INFRA_MANIFESTS, 'k8s/services'],
    configMapGenerator: observabilityGenerators(files),
  };
}

/** deploy/k8s/services/kustomization.yaml: each service's manifests and its ConfigMap from its env file. */
export function servicesKustomization(): Record<string, unknown> {
  return {
    ...KUSTOMIZATION,
    resources: NAMES.map((n) => `${n}.yaml`),
    configMapGenerator: NAMES.map((n) => ({ name: configMapName(n), envs: [`${n}.env`], options: { labels: labelsOf(n, 'service') } })),
  };
}

/** Files of the mesh Component, relative to deploy/istio/mesh. */
export function meshResources(): string[] {
  return [
    'namespace.yaml',
    'security.yaml',
    'telemetry.yaml',
    'ingress.yaml',
    ...NAMES.map((n) => `routing/${n}.yaml`),
    ...NAMES.map((n) => `authz/${n}.yaml`),
  ];
}

/** A strategic-merge patch adding pod annotations to every Deployment a target selects (the name is ignored). */
function podAnnotations(annotations: Record<string, string>): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: any',
    'spec:',
    '  template:',
    '    metadata:',
    '      annotations:',
    ...Object.entries(annotations).map(([k, v]) => `        ${k}: '${v}'`),
    '',
  ].join('\n');
}

/** deploy/istio/mesh/kustomization.yaml: the mesh as a Component over the services layer. */
export function meshComponent(): Record<string, unknown> {
  const proxyConfig = JSON.stringify({ holdApplicationUntilProxyStarts: true, terminationDrainDuration: `${PROXY_DRAIN_SECONDS}s` });
  return {
    ...COMPONENT,
    resources: meshResources(),
    patches: [
      {
        // The app starts once its sidecar can carry its calls; the sidecar outlives the app's drain.
        target: { kind: 'Deployment', labelSelector: 'app.kubernetes.io/component=service' },
        patch: podAnnotations({ 'proxy.istio.io/config': proxyConfig }),
      },
    ],
  };
}

/** RESILIENCE for every service, merged into the ConfigMaps the services layer generates. */
function resilience(mode: ResilienceMode): Record<string, unknown>[] {
  return NAMES.map((n) => ({ name: configMapName(n), behavior: 'merge', literals: [`RESILIENCE=${mode}`] }));
}

/** deploy/istio/kustomization.yaml: the services in the mesh with resilience in code (the services' default). */
export function istioEntry(): Record<string, unknown> {
  return { ...KUSTOMIZATION, namespace: NAMESPACE, labels: PART_OF, resources: ['../k8s/services'], components: ['mesh'] };
}

/** deploy/istio/modes/<mode>/kustomization.yaml: the mesh entry with RESILIENCE=<mode> and, in mesh modes, the mesh's routing. */
export function modeEntry(mode: ResilienceMode): Record<string, unknown> {
  return {
    ...KUSTOMIZATION,
    namespace: NAMESPACE,
    labels: PART_OF,
    resources: ['../../../k8s/services'],
    components: ['../../mesh'],
    ...(MESH_ROUTED.includes(mode) ? { patches: [{ path: 'traffic.yaml' }] } : {}),
    configMapGenerator: resilience(mode),
  };
}
