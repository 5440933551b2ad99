import type { TraceExemplar } from './traceExemplar';

type Labels = Readonly<Record<string, string>>;

/** One value as prom-client's Registry renders it (`MetricObjectWithValues`). */
interface RenderedValue {
  labels: Record<string, string | number>;
  /** Labels every bucket of a series shares (rendered after `labels`; prom-client caches their text per object). */
  sharedLabels?: Labels;
  value: number;
  metricName?: string;
  exemplar?: { labelSet: TraceExemplar; value: number; timestamp: number };
}

interface RenderedFamily {
  name: string;
  help: string;
  type: string;
  values: RenderedValue[];
  aggregator: 'sum';
}

/**
 * What prom-client's `Registry` asks of a registered metric: it renders
 * `get()` (both exposition formats, with exemplars), clears with `reset()`,
 * and renames counters to strip `_total` (it writes `name`).
 */
interface RegistrableFamily {
  name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  get(): Promise<RenderedFamily>;
  /** What the Registry renders the text exposition from, when a family has it. */
  getForPromString?(): Promise<RenderedFamily>;
  reset(): void;
}

/**
 * A counter series: one number, incremented in place. prom-client's own
 * children hash their label set and validate it on every `inc()`; here the
 * series is found once (see `ChildCache`) and recording is one addition.
 */
export class CounterSeries {
  value = 0;

  constructor(readonly labels: Labels) {}

  inc(by = 1): void {
    this.value += by;
  }

  reset(): void {
    this.value = 0;
  }
}

/** What the families share: their name and help, and their series, each added once per label set. */
abstract class LiveFamily<S extends { readonly labels: Labels; reset(): void }> implements RegistrableFamily {
  abstract readonly type: 'counter' | 'histogram';
  readonly aggregator = 'sum' as const;
  protected readonly series: S[] = [];

  constructor(
    public name: string,
    readonly help: string,
  ) {}

  /** A new series with these labels (call once per label set). */
  add(labels: Labels): S {
    const s = this.create(labels);
    this.series.push(s);
    return s;
  }

  reset(): void {
    for (const s of this.series) s.reset();
  }

  abstract get(): Promise<RenderedFamily>;

  protected abstract create(labels: Labels): S;
}

/** A counter family whose series are `CounterSeries`, rendered by prom-client's Registry. */
export class CounterFamily extends LiveFamily<CounterSeries> {
  readonly type = 'counter' as const;

  async get(): Promise<RenderedFamily> {
    const values = this.series.map((s) => ({ labels: { ...s.labels }, value: s.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  protected create(labels: Labels): CounterSeries {
    return new CounterSeries(labels);
  }
}

/**
 * A histogram series: a count per bucket, the sum and the count, and the
 * latest exemplar of each bucket (as prom-client keeps them). Recording finds
 * the bucket and adds; nothing is allocated unless an exemplar is given.
 */
export class HistogramSeries {
  readonly counts: Float64Array;
  readonly exemplars: ({ labelSet: TraceExemplar; value: number; timestamp: number } | undefined)[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    // One more slot than bounds: values above the last bound (the +Inf bucket).
    this.counts = new Float64Array(bounds.length + 1);
    this.exemplars = new Array(bounds.length + 1).fill(undefined);
  }

  observe(value: number, exemplar?: TraceExemplar): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
    if (exemplar !== undefined) this.exemplars[i] = { labelSet: exemplar, value, timestamp: Date.now() / 1000 };
  }

  reset(): void {
    this.counts.fill(0);
    this.exemplars.fill(undefined);
    this.sum = 0;
    this.count = 0;
  }
}

/** A histogram family whose series are `HistogramSeries`, rendered by prom-client's Registry. */
export class HistogramFamily extends LiveFamily<HistogramSeries> {
  readonly type = 'histogram' as const;

  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
  ) {
    super(name, help);
  }

  /** The values with each series' labels on every value (JSON, classic text). */
  async get(): Promise<RenderedFamily> {
    const family = await this.getForPromString();
    for (const v of family.values) {
      if (v.sharedLabels === undefined) continue;
      v.labels = { ...v.labels, ...v.sharedLabels };
      delete v.sharedLabels;
    }
    return family;
  }

  /** The values as prom-client's Histogram gives them to the text renderer: `le` in labels, the series' labels shared. */
  async getForPromString(): Promise<RenderedFamily> {
    const values: RenderedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += s.counts[i]!;
        const exemplar = s.exemplars[i];
        const le = i < this.bounds.length ? this.bounds[i]! : '+Inf';
        values.push({ labels: { le }, sharedLabels: s.labels, value: cumulative, metricName: bucket, ...(exemplar ? { exemplar } : {}) });
      }
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  protected create(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.bounds);
  }
}
