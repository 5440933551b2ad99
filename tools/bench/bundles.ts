import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ServiceName } from '@govrnanza/topology';
import { build, PRELOAD, ROOT, serviceEntry, type Entry } from '../build';

/** The files the benchmark runs, as esbuild bundles (the form the images run). */
export interface Bundles {
  dir: string;
  preload: string;
  stack(service: ServiceName): string;
  bare(service: ServiceName): string;
  loadWorker: string;
  /** Removes the bundles. */
  remove(): void;
}

const SERVICES: readonly ServiceName[] = ['account', 'profile', 'registry', 'billing', 'gateway'];
const bareEntry = (s: ServiceName): Entry => ({ name: `bare-${s}`, source: `bench/bare/${s}.ts` });
const LOAD_WORKER: Entry = { name: 'bench-load-worker', source: 'tools/bench/loadWorker.ts' };

/**
 * Bundles the services, the tracing preload, the bare reference processes and
 * the load generator's worker with the project's own build (tools/build.ts),
 * into a directory under bench/ (git-ignored `.artifacts`): the bundles keep
 * their dependencies as `require`s, resolved from the repository's node_modules.
 */
export async function buildBundles(): Promise<Bundles> {
  const outdir = path.join('bench', '.artifacts', `bundles-${process.pid}`);
  const entries = [...SERVICES.map(serviceEntry), PRELOAD, ...SERVICES.map(bareEntry), LOAD_WORKER];
  const result = await build({ outdir, entries });
  const file = (name: string): string => path.join(result.outdir, `${name}.js`);
  return {
    dir: result.outdir,
    preload: file(PRELOAD.name),
    stack: (s) => file(s),
    bare: (s) => file(`bare-${s}`),
    loadWorker: file(LOAD_WORKER.name),
    remove: () => rmSync(result.outdir, { recursive: true, force: true }),
  };
}

export { ROOT };
