/**
 * The way in from outside the mesh: an Istio Gateway on the default ingress
 * gateway, and a VirtualService sending the public API (`/v1/…`, the prefix
 * of every gateway route) to the gateway service. Nothing else is exposed.
 */
import { ROUTES, SERVICES } from '@govrnanza/topology';
import { INGRESS_SELECTOR } from './cluster';

/** Name of the Istio Gateway (also what the ingress VirtualService binds to). */
export const INGRESS_GATEWAY = 'govrnanza';

/** The path prefix every public route shares, e.g. `/v1/`. */
export function publicPrefix(): string {
  const prefixes = new Set(ROUTES.map((r) => `/${r.template.split('/')[1]}/`));
  if (prefixes.size !== 1) throw new Error(`routes do not share one version prefix: ${[...prefixes].join(', ')}`);
  return [...prefixes][0]!;
}

export function ingressManifests(): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': 'ingress', 'app.kubernetes.io/component': 'routing' };
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: INGRESS_GATEWAY, labels },
      spec: {
        selector: INGRESS_SELECTOR,
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'gateway-ingress', labels },
      spec: {
        hosts: ['*'],
        gateways: [INGRESS_GATEWAY],
        http: [
          {
            name: 'public-api',
            match: [{ uri: { prefix: publicPrefix() } }],
            route: [{ destination: { host: 'gateway', port: { number: SERVICES.gateway.port } } }],
            // The gateway sets each request's budget; the edge neither retries nor cuts it short.
            timeout: '10s',
            retries: { attempts: 0 },
          },
        ],
      },
    },
  ];
}
