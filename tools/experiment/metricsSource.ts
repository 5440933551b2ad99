import { parsePrometheusText, type ExpositionSample } from '@govrnanza/telemetry';
import type { ServiceName } from '@govrnanza/topology';
import { diffSamples } from './metricsDiff';

/** Every service's samples at one moment; services that could not be scraped are listed, not fatal. */
export interface Scrape {
  byService: Map<ServiceName, ExpositionSample[]>;
  missing: { service: ServiceName; error: string }[];
}

/** Scrapes each service's /metrics URL at once (5 s timeout each). */
export async function scrapeAll(urls: Partial<Record<ServiceName, string>>): Promise<Scrape> {
  const results = await Promise.all(
    (Object.entries(urls) as [ServiceName, string][]).map(async ([service, url]) => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        return { service, samples: parsePrometheusText(await res.text()), error: undefined };
      } catch (err) {
        return { service, samples: undefined, error: `${url}: ${(err as Error).message}` };
      }
    }),
  );
  const scrape: Scrape = { byService: new Map(), missing: [] };
  for (const r of results) {
    if (r.samples) scrape.byService.set(r.service, r.samples);
    else scrape.missing.push({ service: r.service, error: r.error ?? 'no samples' });
  }
  return scrape;
}

/**
 * What every service's metrics did between two scrapes, as one list (each
 * service diffed against itself: series without a `service` label, such as
 * the process metrics, would otherwise collide). Services missing from either
 * scrape are left out.
 */
export function diffScrapes(before: Scrape, after: Scrape): ExpositionSample[] {
  const out: ExpositionSample[] = [];
  for (const [service, samples] of after.byService) {
    const earlier = before.byService.get(service);
    if (earlier) out.push(...diffSamples(earlier, samples));
  }
  return out;
}
