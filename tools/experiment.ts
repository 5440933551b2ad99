/**
 * `npm run experiment -- <name|file>`: runs a chaos experiment and writes
 * result.json, report.md and chart.svg. See `npm run experiment -- --help`
 * and README.md ("Chaos experiments").
 */
import path from 'node:path';
import { START_ORDER, type BackendName, type ServiceName } from '@govrnanza/topology';
import { EXPERIMENT_USAGE, parseExperimentArgs, UsageError, type ExperimentCommand } from './experiment/cliArgs';
import { ExperimentFileError } from './experiment/fieldReader';
import { loadExperiment, shippedNames, type Experiment } from './experiment/experimentFile';
import type { FaultBackend } from './experiment/faultBackend';
import { IstioUnavailable, istioFaults, renderIstioFaults } from './experiment/istioFaults';
import { localFaults } from './experiment/localFaults';
import { writeResults } from './experiment/resultFiles';
import { ExperimentRefused, runExperiment } from './experiment/runExperiment';
import { defaultEndpoints, runningSystem, startedSystems, type SystemProvider } from './experiment/systemProvider';

const ROOT = path.resolve(__dirname, '..');
const EXPERIMENTS_DIR = path.join(ROOT, 'experiments');

type Run = Extract<ExperimentCommand, { kind: 'run' }>;

async function main(argv: string[]): Promise<number> {
  const command = parseExperimentArgs(argv, process.env);
  if (command.kind === 'help') {
    process.stdout.write(EXPERIMENT_USAGE);
    return 0;
  }
  if (command.kind === 'list') {
    for (const name of shippedNames(EXPERIMENTS_DIR)) {
      const e = loadExperiment(name, EXPERIMENTS_DIR);
      process.stdout.write(`${name.padEnd(26)} ${e.title} (variants: ${e.variants.map((v) => v.name).join(', ')})\n`);
    }
    return 0;
  }
  const experiment = loadExperiment(command.experiment, EXPERIMENTS_DIR);
  if (command.kind === 'render-istio') {
    process.stdout.write(renderIstioFaults(experiment, command.mode));
    return 0;
  }
  const withOverrides = applyOverrides(experiment, command.overrides);
  const provider = await providerFor(command, experiment);
  const out = path.resolve(command.out ?? path.join(ROOT, 'results', experiment.name, timestamp()));
  const abort = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: removing faults and stopping…\n');
    abort.abort();
  });
  const result = await runExperiment({
    experiment: withOverrides,
    provider,
    backend: command.backend,
    variants: command.variants,
    command: `npm run experiment -- ${argv.join(' ')}`,
    log: (line) => process.stdout.write(`${line}\n`),
    signal: abort.signal,
  });
  const files = writeResults(out, result);
  process.stdout.write(`\n${result.passed ? 'PASS' : 'FAIL'}: ${result.variants.map((v) => `${v.name} ${v.passed ? 'as expected' : v.verdict}`).join(', ')}\n`);
  for (const f of files) process.stdout.write(`  ${path.relative(process.cwd(), f)}\n`);
  return result.passed ? 0 : 1;
}

async function providerFor(command: Run, experiment: Experiment): Promise<SystemProvider> {
  if (!command.running) {
    return startedSystems(command.verbose ? { onLine: (s, line) => process.stdout.write(`[${s}] ${line}\n`) } : {});
  }
  const defaults = defaultEndpoints();
  const addresses = { ...defaults.addresses, ...command.running.addresses } as Record<BackendName, string>;
  const metricsUrls: Partial<Record<ServiceName, string>> = {};
  if (command.running.metrics !== 'none') {
    for (const s of START_ORDER) {
      const given = command.running.metrics[s];
      metricsUrls[s] = given === undefined ? defaults.metricsUrls[s]! : /^\d+$/.test(given) ? `http://127.0.0.1:${given}/metrics` : given;
    }
  }
  let faults: FaultBackend;
  if (command.backend === 'istio') {
    faults = await istioFaults(experiment, { mode: command.mode, root: ROOT });
  } else {
    faults = localFaults((s) => addresses[s], command.running.token!);
  }
  return runningSystem({ gatewayUrl: command.running.gatewayUrl, addresses, metricsUrls }, faults);
}

function applyOverrides(e: Experiment, o: Run['overrides']): Experiment {
  return {
    ...e,
    load: { ...e.load, ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}), ...(o.warmupMs !== undefined ? { warmupMs: o.warmupMs } : {}) },
    check: { ...e.check, ...(o.checkMs !== undefined ? { durationMs: o.checkMs } : {}) },
  };
}

/** 2025-01-31T09-05-00 (local time, safe in a file name). */
function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof UsageError || err instanceof ExperimentFileError || err instanceof ExperimentRefused || err instanceof IstioUnavailable;
    process.stderr.write(`experiment: ${err instanceof Error ? (known ? err.message : (err.stack ?? err.message)) : String(err)}\n`);
    if (err instanceof UsageError) process.stderr.write('(see npm run experiment -- --help)\n');
    process.exit(2);
  },
);
