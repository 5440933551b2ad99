/** Every YAML document under deploy/ parses and matches its schema, unknown fields included. */
import { describe, expect, it } from 'vitest';
import { KUSTOMIZATION_SCHEMA } from './support/kustomize';
import { deployYamlFiles, isKustomization, parseYamlStream, read, readObjects } from './support/repo';
import { schemaUnknownFields, validateObject } from './support/schemas';

const files = deployYamlFiles();

describe('deploy/ YAML', () => {
  it('finds the manifests', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files.filter((f) => !isKustomization(f)))('%s: every object validates', (file) => {
    const objects = readObjects(file);
    expect(objects.length).toBeGreaterThan(0);
    const problems = objects.flatMap((o) => validateObject(o).map((p) => `${o.kind} ${o.metadata?.name}: ${p}`));
    expect(problems).toEqual([]);
  });

  it.each(files.filter(isKustomization))('%s: is a kustomization with known fields only', (file) => {
    const docs = parseYamlStream(read(file), file) as Record<string, unknown>[];
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect([
      'kustomize.config.k8s.io/v1beta1/Kustomization',
      'kustomize.config.k8s.io/v1alpha1/Component',
    ]).toContain(`${doc.apiVersion}/${doc.kind}`);
    expect(schemaUnknownFields(doc, KUSTOMIZATION_SCHEMA)).toEqual([]);
  });
});

describe('the validator', () => {
  const deployment = (): Record<string, unknown> => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', labels: { app: 'x' } },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [{ name: 'x', image: 'x', ports: [{ name: 'grpc', containerPort: 1 }], readinessProbe: { grpc: { port: 1 } } }] },
      },
    },
  });
  const virtualService = (): Record<string, unknown> => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'x' },
    spec: { hosts: ['x'], http: [{ route: [{ destination: { host: 'x' } }], retries: { attempts: 0 } }] },
  });

  it('accepts valid objects', () => {
    expect(validateObject(deployment())).toEqual([]);
    expect(validateObject(virtualService())).toEqual([]);
  });

  it('rejects a Kubernetes field the schema does not have, at any depth', () => {
    const d = deployment() as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const c = d.spec.template.spec.containers[0]!;
    c.securityContext = { readOnlyRootFs: true };
    (c.ports as Record<string, unknown>[])[0]!.appProtocol = 'grpc'; // a Service port field, not a container port's
    expect(validateObject(d as unknown as Record<string, unknown>)).toEqual([
      'unknown field /spec/template/spec/containers/0/ports/0/appProtocol',
      'unknown field /spec/template/spec/containers/0/securityContext/readOnlyRootFs',
    ]);
  });

  it('accepts any key in a Kubernetes map (labels)', () => {
    const d = deployment() as { metadata: { labels: Record<string, string> } };
    d.metadata.labels['any.example/key'] = 'v';
    expect(validateObject(d as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('rejects a wrong Kubernetes type', () => {
    const d = deployment() as { spec: Record<string, unknown> };
    d.spec.replicas = 'two';
    expect(validateObject(d as unknown as Record<string, unknown>)[0]).toMatch(/^schema: .*replicas/);
  });

  it('rejects an Istio field the schema does not have, at any depth', () => {
    const vs = virtualService() as { spec: { http: Record<string, unknown>[] } };
    vs.spec.http[0]!.retries = { attempts: 2, retryOnn: 'unavailable' };
    expect(validateObject(vs as unknown as Record<string, unknown>)).toEqual(['unknown field /spec/http/0/retries/retryOnn']);
  });

  it('rejects a wrong Istio type and an unknown kind', () => {
    const vs = virtualService() as { spec: Record<string, unknown> };
    vs.spec.hosts = 'x';
    expect(validateObject(vs as unknown as Record<string, unknown>)[0]).toMatch(/^schema: /);
    expect(validateObject({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecarr', metadata: { name: 'x' } })).toEqual([
      'no schema for networking.istio.io/v1 Sidecarr',
    ]);
  });
});
