import { status } from '@grpc/grpc-js';
import { ServiceError } from '@govrnanza/runtime';
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
