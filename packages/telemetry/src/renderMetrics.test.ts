import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics';
import { prefersOpenMetrics, renderMetrics } from './renderMetrics';

// What Prometheus sends: 2.5 to 2.42, 2.43 and later (default scrape_protocols).
const PROMETHEUS_2_5 = 'application/openmetrics-text; version=0.0.1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const PROMETHEUS_2_43 =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('prefersOpenMetrics', () => {
  it('is true for what Prometheus 2.x sends', () => {
    expect(prefersOpenMetrics(PROMETHEUS_2_5)).toBe(true);
    expect(prefersOpenMetrics(PROMETHEUS_2_43)).toBe(true);
  });

  it('is false for curl, no header, plain text first, or q=0', () => {
    expect(prefersOpenMetrics('*/*')).toBe(false);
    expect(prefersOpenMetrics(undefined)).toBe(false);
    expect(prefersOpenMetrics('text/plain;version=0.0.4,application/openmetrics-text;q=0.5')).toBe(false);
    expect(prefersOpenMetrics('application/openmetrics-text;q=0')).toBe(false);
  });
});

describe('renderMetrics', () => {
  it('answers OpenMetrics to Prometheus and classic text to everyone else', async () => {
    const metrics = createMetrics('account');
    const om = await renderMetrics(metrics.registry, PROMETHEUS_2_43);
    expect(om.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    const text = await renderMetrics(metrics.registry, '*/*');
    expect(text.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text.body).not.toContain('# EOF');
  });

  it('renders a classic registry as prom-client does, whatever is asked', async () => {
    const registry = new Registry();
    const rendered = await renderMetrics(registry, PROMETHEUS_2_43);
    expect(rendered.contentType).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
  });
});
