import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';

/** The sampler used when OTEL_TRACES_SAMPLER is unset. */
export const DEFAULT_SAMPLER = 'parentbased_traceidratio';

/**
 * The sampler named by the standard `OTEL_TRACES_SAMPLER` and
 * `OTEL_TRACES_SAMPLER_ARG` variables. Default `parentbased_traceidratio`
 * with ratio 1: follow the caller's decision, sample every new trace. (The
 * SDK's own default, parentbased_always_on, samples the same, but would
 * ignore OTEL_TRACES_SAMPLER_ARG when only the ratio is set.) Unlike the SDK,
 * which logs and falls back, an unknown name or a ratio outside [0, 1]
 * throws, naming the variable.
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim() || DEFAULT_SAMPLER;
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratioFromEnv(env));
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratioFromEnv(env)) });
    default:
      throw new Error(
        `OTEL_TRACES_SAMPLER: unsupported sampler "${name}" (use always_on, always_off, traceidratio, ` +
          'parentbased_always_on, parentbased_always_off or parentbased_traceidratio)',
      );
  }
}

/** OTEL_TRACES_SAMPLER_ARG as a ratio in [0, 1]; 1 when unset. */
function ratioFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (!raw) return 1;
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG: expected a ratio between 0 and 1, got "${raw}"`);
  }
  return ratio;
}
