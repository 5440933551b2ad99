import type { common } from '@govrnanza/contracts';
import { fallbackReason, withFallbackReserve, type ResilienceEvents } from '@govrnanza/resilience';
import type { CallContext } from '@govrnanza/runtime';

/** A count, or the degradation that explains why it is missing. */
export type Counted<T> = { value: T; degraded: undefined } | { value: undefined; degraded: common.Degradation };

/**
 * Runs a count on a downstream for the usage view; when the downstream is
 * down or slow, the part degrades instead of failing the whole view.
 */
export async function countOrDegrade<T>(
  part: string,
  downstream: string,
  events: ResilienceEvents,
  fallbacks: boolean,
  ctx: CallContext,
  run: (ctx: CallContext) => Promise<T>,
): Promise<Counted<T>> {
  try {
    return { value: await run(fallbacks ? withFallbackReserve(ctx) : ctx), degraded: undefined };
  } catch (err) {
    const reason = fallbackReason(err);
    if (reason === undefined || !fallbacks) throw err;
    events.fallback(ctx.trace, part, reason);
    return { value: undefined, degraded: { part, reason: `${downstream} ${reason}: ${(err as Error).message}` } };
  }
}
