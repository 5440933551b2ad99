import type { ExpositionSample } from '@govrnanza/telemetry';
import type { Experiment, Variant } from './experimentFile';
import { evaluateHypothesis, type PhaseObservation } from './hypothesis';
import { diffScrapes, scrapeAll } from './metricsSource';
import { meanMsOf } from './metricQuery';
import type { PhaseResult, VariantResult, VariantVerdict } from './resultTypes';
import { loadRoutes, type RouteRun } from './routeLoad';
import { predictRoute, type RoutePrediction } from './routePrediction';
import { routePath, type SeededIds } from './seedData';
import type { SystemHandle } from './systemProvider';
import { settingsOf } from './systemSettings';
import { ROUTES } from '@govrnanza/topology';
import { attemptsPerRequestOf, budgetSharesOf, degradedByRoute, degradedPerRequestOf, measurementsOf, pressureOf } from './windowFigures';

/** What one variant's run needs. */
export interface VariantContext {
  experiment: Experiment;
  variant: Variant;
  /** The environment the system runs with (experiment's and variant's). */
  env: Record<string, string>;
  system: SystemHandle;
  ids: SeededIds;
  log: (line: string) => void;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Runs one variant: the steady state checked before (short load, no faults),
 * the faults injected, a warm-up under them, the measured window (metrics
 * scraped around it), the faults removed (always, even on error), a pause to
 * recover, the steady state checked after; then the model's predictions from
 * the measured window's edges.
 */
export async function runVariant(ctx: VariantContext): Promise<VariantResult> {
  const { experiment: e, variant: v } = ctx;
  const result: VariantResult = {
    name: v.name,
    ...(v.description ? { description: v.description } : {}),
    env: ctx.env,
    expect: v.expect,
    ...(v.fanout !== undefined ? { fanout: v.fanout } : {}),
    phases: [],
    verdict: 'error',
    verdictText: '',
    passed: false,
    predictions: [],
    pressure: [],
    notes: [],
  };
  await warmUp(ctx, 'warm-up');
  const before = await phase(ctx, 'before', e.check.durationMs, result.notes);
  result.phases.push(before.result);
  if (!before.result.holds) return finish(result, 'not-steady-before');
  let during: Awaited<ReturnType<typeof phase>>;
  ctx.log(`  injecting ${e.faults.length} fault rule(s) (${ctx.system.faults.kind})`);
  try {
    await ctx.system.faults.inject(e.faults);
    await warmUp(ctx, 'warm-up under the fault');
    during = await phase(ctx, 'during', e.load.durationMs, result.notes);
  } finally {
    await ctx.system.faults.clear();
    ctx.log('  faults removed');
  }
  result.phases.push(during.result);
  await sleep(e.check.recoveryMs, ctx.signal);
  const after = await phase(ctx, 'after', e.check.durationMs, result.notes);
  result.phases.push(after.result);
  if (during.samples) {
    const measured = { samples: during.samples, windowMs: during.windowMs };
    result.predictions = predictions(ctx, during.runs, measured.samples, result.notes);
    result.pressure = pressureOf(measurementsOf(measured.samples), measured.windowMs);
  } else {
    result.notes.push('no metrics were scraped during the fault: no prediction');
  }
  if (!after.result.holds) return finish(result, 'not-recovered');
  const heldUnderFault = during.result.holds;
  if (heldUnderFault === (v.expect === 'holds')) return finish(result, 'as-expected');
  return finish(result, heldUnderFault ? 'held-unexpectedly' : 'broke-unexpectedly');
}

const VERDICT_TEXT: Record<VariantVerdict, (r: VariantResult) => string> = {
  'as-expected': (r) => (r.expect === 'holds' ? 'the hypothesis held under the fault, as expected' : 'the hypothesis broke under the fault, as expected'),
  'broke-unexpectedly': () => 'the hypothesis broke under the fault, although it was expected to hold',
  'held-unexpectedly': () => 'the hypothesis held under the fault, although it was expected to break: the experiment no longer shows what it claims',
  'not-steady-before': () => 'the steady state did not hold before the fault: nothing was injected',
  'not-recovered': () => 'the steady state did not hold again after the fault was removed',
  error: () => 'the run failed',
};

function finish(result: VariantResult, verdict: VariantVerdict): VariantResult {
  result.verdict = verdict;
  result.verdictText = VERDICT_TEXT[verdict](result);
  result.passed = verdict === 'as-expected';
  return result;
}

async function warmUp(ctx: VariantContext, what: string): Promise<void> {
  const ms = ctx.experiment.load.warmupMs;
  if (ms <= 0 || ctx.signal?.aborted) return;
  ctx.log(`  ${what} (${ms} ms, not recorded)`);
  await loadRoutes(phaseLoad(ctx, ms));
}

function phaseLoad(ctx: VariantContext, durationMs: number) {
  const { load } = ctx.experiment;
  return {
    host: ctx.system.gateway.host,
    port: ctx.system.gateway.port,
    routes: load.routes,
    pathOf: (route: string) => routePath(route, ctx.ids, ctx.variant.fanout),
    arrival: load.arrival,
    durationMs,
    timeoutMs: load.timeoutMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}

/** One recorded phase: metrics scraped around the load, the hypothesis checked. */
async function phase(ctx: VariantContext, name: PhaseResult['phase'], durationMs: number, notes: string[]) {
  ctx.log(`  ${name === 'during' ? 'measuring under the fault' : `steady state ${name}`} (${durationMs} ms)`);
  const metricsBefore = await scrapeAll(ctx.system.metricsUrls);
  const started = performance.now();
  const runs = await loadRoutes(phaseLoad(ctx, durationMs));
  // Calls below the gateway that outlive their request (cancellations in flight) settle first.
  await sleep(250);
  const windowMs = performance.now() - started;
  const metricsAfter = await scrapeAll(ctx.system.metricsUrls);
  for (const m of [...metricsBefore.missing, ...metricsAfter.missing]) notes.push(`${name}: metrics of ${m.service} not scraped (${m.error})`);
  const samples = metricsAfter.byService.size > 0 ? diffScrapes(metricsBefore, metricsAfter) : undefined;
  const requests = runs.reduce((a, r) => a + r.report.requests.completed, 0);
  const observation: PhaseObservation = {
    routes: Object.fromEntries(
      runs.map((r) => [r.route, { availability: r.report.successRatio, latencyMs: r.report.latencyMs, completed: r.report.requests.completed }]),
    ),
    ...(samples ? { attemptsPerRequest: attemptsPerRequestOf(samples, requests) } : {}),
  };
  const { holds, results } = evaluateHypothesis(ctx.experiment.hypothesis, observation);
  const degraded = samples ? degradedByRoute(samples, Object.fromEntries(runs.map((r) => [r.route, r.report.requests.completed]))) : undefined;
  for (const r of runs) if (r.report.fellBehind) notes.push(`${name}: the load generator fell behind on ${r.route} (${r.report.fellBehindReasons.join('; ')})`);
  ctx.log(`    ${runs.map((r) => `${r.route} ${(r.report.successRatio * 100).toFixed(2)} % ok, p99 ${r.report.latencyMs.p99.toFixed(1)} ms`).join('; ')} → ${holds ? 'holds' : 'does not hold'}`);
  const result: PhaseResult = {
    phase: name,
    durationMs,
    routes: runs.map((r) => ({ route: r.route, path: r.path, rate: r.rate, report: r.report, ...(degraded ? { degraded: degraded[r.route] ?? 0 } : {}) })),
    probes: results,
    holds,
    ...(observation.attemptsPerRequest ? { attemptsPerRequest: observation.attemptsPerRequest as Record<string, number> } : {}),
    ...(samples ? { degradedPerRequest: degradedPerRequestOf(samples, requests) } : {}),
  };
  return { result, runs, samples, windowMs };
}

function predictions(ctx: VariantContext, runs: RouteRun[], samples: ExpositionSample[], notes: string[]): RoutePrediction[] {
  const settings = settingsOf(ctx.env);
  const edges = measurementsOf(samples);
  const budgetShares = budgetSharesOf(samples);
  const out: RoutePrediction[] = [];
  for (const run of runs) {
    const template = ROUTES.find((r) => r.id === run.route)!.template;
    const gatewayMeanMs = meanMsOf(samples, 'http_server_request_duration_seconds', { service: 'gateway', route: template });
    const load = ctx.experiment.load.routes.find((r) => r.route === run.route)!;
    try {
      out.push(
        predictRoute(run.route, { settings, edges, budgetShares, gatewayMeanMs }, run.report, {
          ...(ctx.variant.fanout !== undefined && ROUTES.find((r) => r.id === run.route)?.lab ? { fanout: ctx.variant.fanout } : {}),
          tailThresholdsMs: load.tailThresholdsMs,
        }),
      );
    } catch (err) {
      notes.push(`no prediction for ${run.route}: ${(err as Error).message}`);
    }
  }
  return out;
}
