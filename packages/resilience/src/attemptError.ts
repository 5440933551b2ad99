import { status } from '@grpc/grpc-js';
import { ServiceError } from '@govrnanza/runtime';

/** Codes worth another attempt: the call did not reach a handler or the handler could not serve it now. */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([status.UNAVAILABLE, status.RESOURCE_EXHAUSTED, status.ABORTED, status.DEADLINE_EXCEEDED]);

/** Codes that mean the downstream is unhealthy (these count toward opening the breaker). */
export const FAILURE_CODES: ReadonlySet<number> = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.INTERNAL, status.UNKNOWN, status.RESOURCE_EXHAUSTED, status.DATA_LOSS]);

/**
 * The failure of one attempt on a downstream, carrying the downstream's
 * status unchanged and two decisions made where the call's facts are known
 * (idempotency, deadline, retry budget): may it be retried, and does it count
 * against the breaker. The policies only read these flags.
 */
export class AttemptError extends ServiceError {
  constructor(
    code: status,
    message: string,
    downstream: string,
    readonly retryable: boolean,
    readonly field?: string,
    readonly reason?: string,
    detail?: string,
  ) {
    super(code, message, { downstream, ...(field ? { field } : {}), ...(reason ? { reason: reason as never } : {}), ...(detail !== undefined ? { detail } : {}) });
    this.name = 'AttemptError';
  }

  /** True when this failure says the downstream is unhealthy. */
  get countsAsFailure(): boolean {
    return FAILURE_CODES.has(this.code);
  }
}
