/**
 * Facts about the cluster the manifests target: namespace, identities,
 * in-cluster addresses, labels and the shutdown timeline. Everything about
 * the services themselves comes from @govrnanza/topology.
 */
import type { ServiceName } from '@govrnanza/topology';

/** The namespace everything is deployed into (also part of every mesh principal). */
export const NAMESPACE = 'govrnanza';

/** SPIFFE-style principal of a service account, as Istio's AuthorizationPolicy names it. */
export function principal(serviceAccount: string, namespace = NAMESPACE): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * The identity of Istio's default ingress gateway (`istioctl install`, profile
 * default or demo): the only caller the gateway service accepts in the mesh.
 */
export const INGRESS_PRINCIPAL = principal('istio-ingressgateway-service-account', 'istio-system');

/** Selector of Istio's default ingress gateway pods. */
export const INGRESS_SELECTOR = { istio: 'ingressgateway' } as const;

/** In-cluster addresses of the shared infrastructure (deploy/k8s/*.yaml). */
export const REDIS_URL = 'redis://redis:6379/0';
export const OTLP_ENDPOINT = 'http://jaeger:4318';

/** User and group the image runs as (the Dockerfile's `USER 1000:1000`, node's uid in the official image). */
export const RUN_AS_USER = 1000;

/**
 * The shutdown timeline of a pod, in order:
 * preStop sleep (endpoints and sidecars stop sending new requests) →
 * SIGTERM → the service drains in-flight calls for up to SHUTDOWN_GRACE_MS →
 * exit. The kill deadline must come after all of it.
 */
export const PRESTOP_SLEEP_SECONDS = 5;
/** Drain period after SIGTERM, in ms (the services' default, README: Configuration). */
export const SHUTDOWN_GRACE_MS = 10_000;
/** Slack between the end of the drain and SIGKILL, in seconds. */
const KILL_SLACK_SECONDS = 5;
/** terminationGracePeriodSeconds: preStop + drain + slack (20 s). */
export const TERMINATION_GRACE_SECONDS = PRESTOP_SLEEP_SECONDS + SHUTDOWN_GRACE_MS / 1000 + KILL_SLACK_SECONDS;
/** How long a sidecar keeps serving the app's outbound calls after SIGTERM: preStop + drain. */
export const PROXY_DRAIN_SECONDS = PRESTOP_SLEEP_SECONDS + SHUTDOWN_GRACE_MS / 1000;

/** The container securityContext of every workload: non-root, read-only root, no privilege, no capabilities. */
export const HARDENED_CONTAINER = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
} as const;

/** Label values of `app.kubernetes.io/component`, which the overlays and the Tiltfile select on. */
export type Component = 'service' | 'routing' | 'authorization';

/** Labels of every object that belongs to one service. `app` is what Services, Istio and selectors match. */
export function labelsOf(name: ServiceName, component: Component): Record<string, string> {
  return { app: name, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component };
}

/** Annotation on each Deployment listing the services it calls (the Tiltfile orders start-up by it). */
export const CALLS_ANNOTATION = 'govrnanza.io/calls';
