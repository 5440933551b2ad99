/** One sample of a text exposition. */
export interface ExpositionSample {
  /** Sample name, e.g. `grpc_server_handling_seconds_bucket`. */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The OpenMetrics exemplar after the value, if any. */
  exemplar?: { labels: Record<string, string>; value: number };
}

/**
 * Parses a Prometheus text (0.0.4) or OpenMetrics exposition into samples,
 * skipping comments and `# EOF`. For tests and tools that scrape /metrics;
 * not a validating parser.
 */
export function parsePrometheusText(text: string): ExpositionSample[] {
  const samples: ExpositionSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    samples.push(parseSampleLine(line));
  }
  return samples;
}

function parseSampleLine(line: string): ExpositionSample {
  const nameEnd = line.search(/[{ ]/);
  if (nameEnd < 0) throw new Error(`not a sample line: ${line}`);
  const name = line.slice(0, nameEnd);
  const { labels, end } = line[nameEnd] === '{' ? parseLabels(line, nameEnd + 1) : { labels: {}, end: nameEnd };
  const [valuePart = '', exemplarPart] = line.slice(end).split(' # ');
  const sample: ExpositionSample = { name, labels, value: parseValue(valuePart.trim().split(' ')[0] ?? '') };
  if (exemplarPart !== undefined) sample.exemplar = parseExemplar(exemplarPart.trim());
  return sample;
}

function parseExemplar(text: string): { labels: Record<string, string>; value: number } {
  const { labels, end } = parseLabels(text, 1);
  return { labels, value: parseValue(text.slice(end).trim().split(' ')[0] ?? '') };
}

/** Parses `name="value",...}` starting at `start`; returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start;
  while (line[i] !== '}') {
    if (i >= line.length) throw new Error(`unterminated labels: ${line}`);
    const eq = line.indexOf('="', i);
    if (eq < 0) throw new Error(`bad label at ${i}: ${line}`);
    const name = line.slice(i, eq).replace(/^,/, '').trim();
    let value = '';
    let j = eq + 2;
    for (; line[j] !== '"'; j++) {
      if (j >= line.length) throw new Error(`unterminated label value: ${line}`);
      if (line[j] === '\\') {
        j++;
        value += line[j] === 'n' ? '\n' : line[j];
      } else {
        value += line[j];
      }
    }
    labels[name] = value;
    i = line[j + 1] === ',' ? j + 2 : j + 1;
  }
  return { labels, end: i + 1 };
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text.toLowerCase() === 'nan') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`not a sample value: ${text}`);
  return value;
}
