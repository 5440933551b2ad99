/** Grafana, provisioned from deploy/grafana: its data sources, its dashboard provider and every dashboard. */
import { HARDENED_CONTAINER } from './cluster';
import { MOUNTS, dashboardConfigMap, type ObservabilityFiles } from './observability';

/** deploy/k8s/grafana.yaml: Grafana with the provisioning and every dashboard mounted. */
export function grafanaManifests(files: ObservabilityFiles): Record<string, unknown>[] {
  const labels = { app: 'grafana', 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/component': 'observability' };
  const http = { path: '/api/health', port: 'http' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'grafana', labels }, automountServiceAccountToken: false },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'grafana', labels },
      spec: { selector: { app: 'grafana' }, ports: [{ name: 'http', port: 3000, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'grafana', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'grafana' } },
        template: {
          // Outside the mesh when Istio is on (not part of the call graph); ignored without Istio.
          metadata: { labels, annotations: { 'sidecar.istio.io/inject': 'false' } },
          spec: {
            serviceAccountName: 'grafana',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'grafana',
                image: 'grafana/grafana:12.0.0',
                ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }],
                env: [
                  // A local, single-user stack: no login, everyone is admin.
                  { name: 'GF_AUTH_ANONYMOUS_ENABLED', value: 'true' },
                  { name: 'GF_AUTH_ANONYMOUS_ORG_ROLE', value: 'Admin' },
                  { name: 'GF_AUTH_DISABLE_LOGIN_FORM', value: 'true' },
                  { name: 'GF_LOG_MODE', value: 'console' },
                  { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
                  { name: 'GF_ANALYTICS_CHECK_FOR_UPDATES', value: 'false' },
                ],
                readinessProbe: { httpGet: http, periodSeconds: 5 },
                livenessProbe: { httpGet: http, periodSeconds: 10, failureThreshold: 6 },
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '384Mi' } },
                securityContext: HARDENED_CONTAINER,
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/grafana' },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'datasources', mountPath: MOUNTS.grafanaDatasources, readOnly: true },
                  { name: 'dashboard-providers', mountPath: MOUNTS.grafanaDashboardProviders, readOnly: true },
                  { name: 'dashboards', mountPath: MOUNTS.grafanaDashboards, readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'data', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
              { name: 'datasources', configMap: { name: 'grafana-datasources' } },
              { name: 'dashboard-providers', configMap: { name: 'grafana-dashboard-providers' } },
              { name: 'dashboards', projected: { sources: files.dashboards.map((d) => ({ configMap: { name: dashboardConfigMap(d) } })) } },
            ],
          },
        },
      },
    },
  ];
}
