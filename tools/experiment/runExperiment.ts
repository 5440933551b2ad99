import { cpus, loadavg } from 'node:os';
import { CHAIN_COST_ASSUMPTIONS } from '@govrnanza/chaincost';
import { ROUTES } from '@govrnanza/topology';
import type { Experiment, Variant } from './experimentFile';
import type { ExperimentResult, VariantResult } from './resultTypes';
import { RUNNER_ASSUMPTIONS } from './runnerAssumptions';
import { runVariant } from './runVariant';
import { seedData } from './seedData';
import type { SystemProvider } from './systemProvider';

/** Options of {@link runExperiment}. */
export interface RunOptions {
  experiment: Experiment;
  provider: SystemProvider;
  /** Where faults are injected, for the report. */
  backend: 'local' | 'istio';
  /** Only these variants (by name), in the file's order; default all. */
  variants?: readonly string[];
  /** The command line, for the report. */
  command: string;
  log: (line: string) => void;
  /** Aborting stops the load; faults are removed and started systems stopped before this rejects. */
  signal?: AbortSignal;
}

/** Thrown when the experiment cannot run as asked (before anything starts); the message says why. */
export class ExperimentRefused extends Error {
  override readonly name = 'ExperimentRefused';
}

/**
 * Runs an experiment's variants one after another. Variants with the same
 * environment share one system (started once, seeded once); a running system
 * (one the runner did not start) cannot take a variant that sets its own
 * environment, and such variants are refused before anything runs.
 */
export async function runExperiment(options: RunOptions): Promise<ExperimentResult> {
  const { experiment: e } = options;
  const selected = selectVariants(e, options.variants);
  if (options.provider.kind === 'running') refuseEnvChanges(selected);
  const startedAt = new Date().toISOString();
  const load1 = loadavg()[0]!;
  const results: VariantResult[] = [];
  for (const group of groupByEnv(e, selected)) {
    if (options.signal?.aborted) break;
    options.log(`${options.provider.kind === 'started' ? 'starting the system' : 'using the running system'}${describeEnv(group.env)}`);
    const system = await options.provider.open(group.env);
    try {
      await checkRoutesServed(e, system.gateway.url);
      const ids = await seedData(system.gateway.url, `${e.name} ${Date.now().toString(36)}`);
      for (const variant of group.variants) {
        if (options.signal?.aborted) break;
        options.log(`variant ${variant.name}${variant.fanout !== undefined ? ` (n = ${variant.fanout})` : ''}`);
        const result = await runVariant({ experiment: e, variant, env: group.env, system, ids, log: options.log, ...(options.signal ? { signal: options.signal } : {}) });
        if (options.provider.kind === 'running') {
          result.notes.push(`a running system: its environment is taken to be the defaults${describeEnv(group.env) || ''}, for the model's policies too (the runner cannot see it)`);
        }
        options.log(`  → ${result.passed ? 'PASS' : 'FAIL'}: ${result.verdictText}`);
        results.push(result);
      }
    } finally {
      await system.close();
    }
  }
  if (options.signal?.aborted) throw new Error('interrupted: faults removed, systems stopped');
  return {
    experiment: { name: e.name, title: e.title, description: e.description, source: e.source, hypothesis: e.hypothesis, faults: e.faults, load: e.load, check: e.check },
    command: options.command,
    startedAt,
    finishedAt: new Date().toISOString(),
    backend: options.backend,
    system: options.provider.kind,
    machine: { cpus: cpus().length, loadAverage1m: [load1, loadavg()[0]!], node: process.version },
    variants: results,
    passed: results.length > 0 && results.every((r) => r.passed),
    assumptions: [CHAIN_COST_ASSUMPTIONS, RUNNER_ASSUMPTIONS],
  };
}

/** Refuses early when the gateway does not serve a loaded route (the lab route needs LAB=on). */
async function checkRoutesServed(e: Experiment, gatewayUrl: string): Promise<void> {
  for (const r of e.load.routes) {
    const route = ROUTES.find((x) => x.id === r.route)!;
    if (!route.lab) continue;
    const res = await fetch(`${gatewayUrl}${route.template}?n=1`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (res.status === 404) throw new ExperimentRefused(`the gateway at ${gatewayUrl} does not serve the lab route ${route.template}: start it with LAB=on`);
  }
}

function selectVariants(e: Experiment, names: readonly string[] | undefined): Variant[] {
  if (!names || names.length === 0) return e.variants;
  const unknown = names.filter((n) => !e.variants.some((v) => v.name === n));
  if (unknown.length > 0) throw new ExperimentRefused(`${e.name} has no variant ${unknown.join(', ')} (variants: ${e.variants.map((v) => v.name).join(', ')})`);
  return e.variants.filter((v) => names.includes(v.name));
}

function refuseEnvChanges(variants: readonly Variant[]): void {
  const needing = variants.filter((v) => Object.keys(v.env).length > 0);
  if (needing.length === 0) return;
  const lines = needing.map((v) => `  ${v.name}: ${Object.entries(v.env).map(([k, val]) => `${k}=${val}`).join(' ')}`);
  throw new ExperimentRefused(
    `these variants need the system started with their own environment, which a running system cannot change:\n${lines.join('\n')}\n` +
      'Let the runner start the system (drop --gateway), or run only variants without an environment of their own (--variant).',
  );
}

function groupByEnv(e: Experiment, variants: readonly Variant[]): { env: Record<string, string>; variants: Variant[] }[] {
  const groups = new Map<string, { env: Record<string, string>; variants: Variant[] }>();
  for (const v of variants) {
    const env = { ...e.env, ...v.env };
    const key = JSON.stringify(Object.entries(env).sort());
    if (!groups.has(key)) groups.set(key, { env, variants: [] });
    groups.get(key)!.variants.push(v);
  }
  return [...groups.values()];
}

function describeEnv(env: Record<string, string>): string {
  const entries = Object.entries(env);
  return entries.length === 0 ? '' : ` (${entries.map(([k, v]) => `${k}=${v}`).join(' ')})`;
}
