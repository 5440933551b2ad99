import type { ChartGroup, ChartInput } from './chart';
import { QUANTILES, type Quantile } from './experimentFile';
import type { ExperimentResult } from './resultTypes';

/** The chart of a result: each variant (and route) under the fault, with the model's predictions. */
export function chartInputOf(result: ExperimentResult): ChartInput {
  const routes = result.experiment.load.routes.map((r) => r.route);
  const several = routes.length > 1;
  const groups: ChartGroup[] = [];
  for (const v of result.variants) {
    const during = v.phases.find((p) => p.phase === 'during');
    if (!during) continue;
    for (const run of during.routes) {
      const prediction = v.predictions.find((p) => p.route === run.route);
      const observed = pick(run.report.latencyMs);
      const group: ChartGroup = { variant: v.name, observed, availability: run.report.successRatio, passed: v.passed };
      if (several) group.route = run.route;
      if (prediction) {
        group.predicted = pick(prediction.prediction.latencyMs);
        group.predictedAvailability = prediction.prediction.availability;
      }
      if (run.degraded !== undefined) group.degraded = run.degraded;
      groups.push(group);
    }
  }
  const latencyLimits: ChartInput['latencyLimits'] = [];
  const availabilityLimits: ChartInput['availabilityLimits'] = [];
  for (const p of result.experiment.hypothesis) {
    if (p.kind !== 'route') continue;
    for (const [quantile, ms] of Object.entries(p.latencyMs) as [Quantile, number][]) latencyLimits.push({ ...(several ? { route: p.route } : {}), quantile, ms });
    if (p.availability !== undefined) availabilityLimits.push({ ...(several ? { route: p.route } : {}), ratio: p.availability });
  }
  const { load } = result.experiment;
  const rates = load.routes.map((r) => `${r.route} ${r.rate}/s`).join(', ');
  return {
    title: result.experiment.title,
    subtitle: `${result.experiment.name}: ${load.durationMs / 1000} s under the faults, open-loop load ${rates}. Bars: observed, every request (failures included); ◆ the chain-cost model's prediction.`,
    groups,
    latencyLimits,
    availabilityLimits: dedupe(availabilityLimits),
  };
}

function pick(l: Record<Quantile, number>): Record<Quantile, number> {
  return Object.fromEntries(QUANTILES.map((q) => [q, l[q]])) as Record<Quantile, number>;
}

function dedupe<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = JSON.stringify(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
