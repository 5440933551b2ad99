import { Registry, type RegistryContentType } from 'prom-client';
import { PROMETHEUS_TEXT_CONTENT_TYPE, prometheusText } from './prometheusText';

/** A rendered scrape: the body and the content type that describes it. */
export interface RenderedMetrics {
  contentType: string;
  body: string;
}

/**
 * Renders a registry for one scrape, choosing the format from the scraper's
 * `Accept` header. OpenMetrics (with exemplars) only when the scraper asks
 * for it at least as strongly as for plain text: Prometheus 2.x does, since
 * 2.5, and parses OpenMetrics by the response content type. Everything else
 * (curl, older scrapers, agents that merge text expositions) gets the classic
 * 0.0.4 text format, since a classic parser rejects exemplars and `# EOF`.
 */
export async function renderMetrics(registry: Registry<RegistryContentType>, accept: string | undefined): Promise<RenderedMetrics> {
  if (registry.contentType !== Registry.OPENMETRICS_CONTENT_TYPE || prefersOpenMetrics(accept)) {
    return { contentType: registry.contentType, body: await registry.metrics() };
  }
  return { contentType: PROMETHEUS_TEXT_CONTENT_TYPE, body: await prometheusText(registry) };
}

/** Whether an Accept header ranks `application/openmetrics-text` above 0 and not below `text/plain`. */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = qualityOf(params);
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain') text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text;
}

function qualityOf(params: string[]): number {
  const q = params.find((p) => p.startsWith('q='));
  if (q === undefined) return 1;
  const value = Number(q.slice(2));
  return Number.isFinite(value) ? value : 0;
}
