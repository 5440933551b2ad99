import { Counter, Histogram, Registry, type OpenMetricsContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterFamily, HistogramFamily } from './liveFamilies';
import { prometheusText } from './prometheusText';

const BOUNDS = [0.001, 0.01, 0.1, 1];
const VALUES = [0.0005, 0.001, 0.004, 0.05, 0.05, 0.7, 3, 12];
const LABELS = { grpc_method: 'GetApi', grpc_code: 'OK' };
const HISTOGRAM_LABELS = { grpc_method: 'GetApi' };

/** The same recordings made through prom-client's own families and through the live ones. */
function registries(): { reference: Registry<OpenMetricsContentType>; live: Registry<OpenMetricsContentType> } {
  const reference = new Registry<OpenMetricsContentType>();
  const live = new Registry<OpenMetricsContentType>();
  for (const r of [reference, live]) {
    r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    r.setDefaultLabels({ service: 'registry' });
  }
  const counter = new Counter({ name: 'calls_total', help: 'Calls.', labelNames: ['grpc_method', 'grpc_code'], registers: [reference] });
  const histogram = new Histogram({ name: 'call_seconds', help: 'Latency.', labelNames: ['grpc_method'], buckets: BOUNDS, registers: [reference], enableExemplars: true });
  const liveCounter = new CounterFamily('calls_total', 'Calls.');
  const liveHistogram = new HistogramFamily('call_seconds', 'Latency.', BOUNDS);
  live.registerMetric(liveCounter as unknown as Counter);
  live.registerMetric(liveHistogram as unknown as Histogram);

  const counterChild = counter.labels(LABELS);
  const counterSeries = liveCounter.add(LABELS);
  const histogramSeries = liveHistogram.add(HISTOGRAM_LABELS);
  VALUES.forEach((value, i) => {
    counterChild.inc();
    counterSeries.inc();
    // Every other observation carries a trace exemplar.
    const exemplar = i % 2 === 0 ? { trace_id: `${i}`.padStart(32, '0') } : undefined;
    if (exemplar) histogram.observe({ labels: HISTOGRAM_LABELS, value, exemplarLabels: exemplar as unknown as Record<string, string> });
    else histogram.labels(HISTOGRAM_LABELS).observe(value);
    histogramSeries.observe(value, exemplar);
  });
  return { reference, live };
}

/** Exemplar timestamps differ by when each side recorded: compare without them. */
const withoutTimestamps = (text: string) => text.replace(/(# \{[^}]*\} \S+) \S+/g, '$1 T');

describe('live families', () => {
  it('render exactly as prom-client renders the same recordings, in OpenMetrics with exemplars and in the classic format', async () => {
    const { reference, live } = registries();
    const openMetrics = await live.metrics();
    expect(openMetrics).toContain('call_seconds_bucket{le="0.01",service="registry",grpc_method="GetApi"} 3 # {trace_id="00000000000000000000000000000002"} 0.004');
    expect(openMetrics).toContain('calls_total{grpc_method="GetApi",grpc_code="OK",service="registry"} 8');
    expect(withoutTimestamps(openMetrics)).toBe(withoutTimestamps(await reference.metrics()));
    expect(await prometheusText(live)).toBe(await prometheusText(reference));
  });

  it('count values above the last bound in +Inf only, skip values that are not finite, and reset to zero', async () => {
    const family = new HistogramFamily('h_seconds', 'H.', BOUNDS);
    const series = family.add({ m: 'x' });
    series.observe(5);
    series.observe(Number.NaN);
    series.observe(Number.POSITIVE_INFINITY);
    const values = (await family.get()).values;
    const bucket = (le: number | string) => values.find((v) => v.metricName === 'h_seconds_bucket' && v.labels.le === le)?.value;
    expect([bucket(1), bucket('+Inf')]).toEqual([0, 1]);
    expect(values.find((v) => v.metricName === 'h_seconds_count')?.value).toBe(1);
    family.reset();
    expect((await family.get()).values.every((v) => v.value === 0)).toBe(true);
  });
});
