import type { Registry, RegistryContentType } from 'prom-client';

/** Content type of the classic Prometheus text format, version 0.0.4. */
export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/**
 * Renders a registry in the classic Prometheus text format (0.0.4), whatever
 * the registry's own content type: no exemplars, no `# EOF`, counters named
 * with their `_total` suffix. It exists because prom-client renders a
 * registry in one format only, and an OpenMetrics registry (needed for
 * exemplars) must still answer scrapers that only speak the classic format.
 */
export async function prometheusText(registry: Registry<RegistryContentType>): Promise<string> {
  const families = await registry.getMetricsAsJSON();
  let out = '';
  for (const family of families) {
    const type = String(family.type);
    // An OpenMetrics render strips `_total` from counter names; put it back.
    const name = type === 'counter' && !family.name.endsWith('_total') ? `${family.name}_total` : family.name;
    out += `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} ${type}\n`;
    for (const sample of family.values as Sample[]) {
      out += `${sample.metricName ?? name}${labelsText(sample.labels)} ${valueText(sample.value)}\n`;
    }
  }
  return out;
}

function labelsText(labels: Record<string, string | number>): string {
  let text = '';
  for (const [name, value] of Object.entries(labels)) {
    if (value === undefined) continue;
    text += `${text === '' ? '' : ','}${name}="${escapeLabelValue(String(value))}"`;
  }
  return text === '' ? '' : `{${text}}`;
}

function valueText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
