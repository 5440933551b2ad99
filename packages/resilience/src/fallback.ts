import { status } from '@grpc/grpc-js';
import { ServiceError, type CallContext } from '@govrnanza/runtime';
import { DependencyRejection } from './dependencyRejection';
import type { FallbackReason } from './events';

/**
 * Whether a failed downstream call is a dependency failure a fallback may
 * cover, and why; undefined for answers the caller must act on (NOT_FOUND,
 * INVALID_ARGUMENT, FAILED_PRECONDITION, …).
 */
export function fallbackReason(err: unknown): FallbackReason | undefined {
  if (err instanceof DependencyRejection) return err.rejectedBy;
  if (!(err instanceof ServiceError) || err.meta.downstream === undefined) return undefined;
  switch (err.code) {
    case status.UNAVAILABLE:
      return 'unavailable';
    case status.DEADLINE_EXCEEDED:
      return 'deadline';
    case status.INTERNAL:
    case status.UNKNOWN:
    case status.RESOURCE_EXHAUSTED:
    case status.DATA_LOSS:
      return 'error';
    default:
      return undefined;
  }
}

/** How much of the remaining budget a call with a fallback leaves for answering after it. */
export interface FallbackReserve {
  /** At least this many ms. Default 50. */
  minMs: number;
  /** At least this fraction of what is left. Default 0.1. */
  fraction: number;
}

const DEFAULT_RESERVE: FallbackReserve = { minMs: 50, fraction: 0.1 };

/**
 * The context for a call whose failure is covered by a fallback: its deadline
 * keeps back max(minMs, fraction × what is left), so that when the call runs
 * out of time the degraded answer still reaches the caller inside its own
 * deadline. Without it, a fallback taken at the last millisecond arrives late.
 */
export function withFallbackReserve(ctx: CallContext, reserve: FallbackReserve = DEFAULT_RESERVE): CallContext {
  if (ctx.deadline === Infinity) return ctx;
  const left = ctx.deadline - Date.now();
  const keep = Math.max(reserve.minMs, reserve.fraction * left);
  // Derived, not copied: the context's lazily created logger stays lazy and shared, and so does its cancellation.
  return ctx.withDeadline(ctx.deadline - keep);
}
