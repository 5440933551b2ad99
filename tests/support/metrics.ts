import { parsePrometheusText, type ExpositionSample } from '@govrnanza/telemetry';

/** Scrapes a service's /metrics (classic text format). */
export async function scrape(metricsPort: number): Promise<ExpositionSample[]> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`/metrics on ${metricsPort}: HTTP ${res.status}`);
  return parsePrometheusText(await res.text());
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function sum(samples: ExpositionSample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

/** One metric value read fresh from a service. */
export async function metric(metricsPort: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  return sum(await scrape(metricsPort), name, labels);
}
