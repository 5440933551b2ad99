/** Files of the repository as the deploy tests see them. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../../..');

export function abs(rel: string): string {
  return path.join(ROOT, rel);
}

export function exists(rel: string): boolean {
  return existsSync(abs(rel));
}

export function read(rel: string): string {
  return readFileSync(abs(rel), 'utf8');
}

/** Files below a directory (relative to the root, `/`-separated), sorted. */
export function filesUnder(rel: string): string[] {
  if (!exists(rel)) return [];
  const walk = (dir: string): string[] =>
    readdirSync(abs(dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
  return walk(rel).sort();
}

/** Parses every document of a YAML stream; throws on the first syntax error. Empty documents are dropped. */
export function parseYamlStream(text: string, name = 'yaml'): unknown[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

/** A Kubernetes-style object. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export function readObjects(rel: string): K8sObject[] {
  return parseYamlStream(read(rel), rel) as K8sObject[];
}

/** The YAML files this layer owns: everything under deploy/ except the observability inputs (not Kubernetes objects). */
export function deployYamlFiles(): string[] {
  return filesUnder('deploy').filter(
    (f) => /\.ya?ml$/.test(f) && !f.startsWith('deploy/prometheus/') && !f.startsWith('deploy/grafana/'),
  );
}

export function isKustomization(rel: string): boolean {
  return path.basename(rel) === 'kustomization.yaml';
}

/** Every object of a kind in the given files. */
export function objectsOf(files: string[], kind: string): K8sObject[] {
  return files.flatMap(readObjects).filter((o) => o.kind === kind);
}
