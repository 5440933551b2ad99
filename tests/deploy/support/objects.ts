/** Reading rendered Kubernetes objects: ids, lookups, pod specs and what they refer to. */
import type { K8sObject } from './repo';

/** `Kind namespace/name`, unique within what one apply sends. */
export const idOf = (o: K8sObject): string => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`;

export const find = (objects: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

type Container = {
  name: string;
  image: string;
  ports?: { containerPort: number }[];
  envFrom?: { configMapRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string } } }[];
};

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { configMap?: { name: string }; projected?: { sources: { configMap?: { name: string } }[] } }[];
}

/** The kinds whose pods these manifests run (a pod template at spec.template). */
export const WORKLOAD_KINDS = ['Deployment', 'Job'];

export const podSpec = (o: K8sObject): PodSpec => (o.spec as { template: { spec: PodSpec } }).template.spec;

export const podLabels = (o: K8sObject): Record<string, string> =>
  (o.spec as { template: { metadata?: { labels?: Record<string, string> } } }).template.metadata?.labels ?? {};

export const containersOf = (o: K8sObject): Container[] => [...podSpec(o).containers, ...(podSpec(o).initContainers ?? [])];

/** The ConfigMap names a workload's pods read (envFrom, env, volumes, projected volumes). */
export function configMapsReadBy(o: K8sObject): string[] {
  const spec = podSpec(o);
  return [
    ...containersOf(o).flatMap((c) => [
      ...(c.envFrom ?? []).flatMap((e) => (e.configMapRef ? [e.configMapRef.name] : [])),
      ...(c.env ?? []).flatMap((e) => (e.valueFrom?.configMapKeyRef ? [e.valueFrom.configMapKeyRef.name] : [])),
    ]),
    ...(spec.volumes ?? []).flatMap((v) => [
      ...(v.configMap ? [v.configMap.name] : []),
      ...(v.projected?.sources ?? []).flatMap((s) => (s.configMap ? [s.configMap.name] : [])),
    ]),
  ];
}
