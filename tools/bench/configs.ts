/** How the benchmarked processes are built and configured. */
export type ConfigName = 'bare' | 'bare-control' | 'resilience-off' | 'resilience' | 'metrics' | 'tracing-1pct' | 'tracing-100pct';

export interface BenchConfig {
  name: ConfigName;
  /** One line for the tables. */
  label: string;
  /** `bare`: the reference processes of bench/bare; `stack`: the real services. */
  kind: 'bare' | 'stack';
  /** Environment of every stack process; `otlpUrl` is the bench's span sink. */
  env(otlpUrl: string): Record<string, string>;
}

const NO_TRACING = { OTEL_SDK_DISABLED: 'true' };
const tracing = (ratio: string, otlpUrl: string): Record<string, string> => ({
  OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: ratio,
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
});

/** Every configuration, in the order of the tables; `bare` is the reference of every ratio. */
export const CONFIGS: readonly BenchConfig[] = [
  { name: 'bare', label: 'bare grpc-js', kind: 'bare', env: () => ({}) },
  // An A/A control: the same bare processes, started again as a configuration of their own. Its
  // ratios to bare measure nothing but the run's noise (process start, placement on the cores,
  // the machine's drift): a difference between configurations smaller than its spread is not
  // resolved by the run.
  { name: 'bare-control', label: 'bare grpc-js again (A/A control)', kind: 'bare', env: () => ({}) },
  {
    name: 'resilience-off',
    label: 'stack, resilience off, no telemetry',
    kind: 'stack',
    env: () => ({ RESILIENCE: 'none', METRICS: 'off', ...NO_TRACING }),
  },
  { name: 'resilience', label: 'stack, resilience on', kind: 'stack', env: () => ({ RESILIENCE: 'code', METRICS: 'off', ...NO_TRACING }) },
  { name: 'metrics', label: 'stack, resilience + metrics', kind: 'stack', env: () => ({ RESILIENCE: 'code', METRICS: 'on', ...NO_TRACING }) },
  {
    name: 'tracing-1pct',
    label: 'full stack, tracing 1 %',
    kind: 'stack',
    env: (otlp) => ({ RESILIENCE: 'code', METRICS: 'on', ...tracing('0.01', otlp) }),
  },
  {
    name: 'tracing-100pct',
    label: 'full stack, tracing 100 %',
    kind: 'stack',
    env: (otlp) => ({ RESILIENCE: 'code', METRICS: 'on', ...tracing('1', otlp) }),
  },
];

export const CONFIG_NAMES: readonly ConfigName[] = CONFIGS.map((c) => c.name);

export function configNamed(name: ConfigName): BenchConfig {
  return CONFIGS.find((c) => c.name === name)!;
}
