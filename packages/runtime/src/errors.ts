import { Metadata, status, type ServiceError as GrpcServiceError, type StatusObject } from '@grpc/grpc-js';

/** Machine-readable reasons carried in the `error-reason` trailer. */
export type ErrorReason = 'PAYMENT_REQUIRED' | 'PLAN_LIMIT' | 'IDEMPOTENCY_KEY_REUSED' | 'DOWNSTREAM';

/**
 * An error that carries a gRPC status. Handlers throw these; the server edge
 * turns them into a status with the message and, in trailers, the offending
 * `field` and a `reason`.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: status,
    message: string,
    /**
     * `field`: the request field at fault; `reason`: a machine-readable reason;
     * `downstream`: the dependency that answered this; `detail`: that
     * dependency's own message, without this hop's prefix.
     */
    readonly meta: { field?: string; reason?: ErrorReason; downstream?: string; detail?: string } = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** Constructors for the errors the domain uses, so status choices live in one place. */
export const Errors = {
  invalidArgument: (field: string, problem: string) => new ServiceError(status.INVALID_ARGUMENT, `${field}: ${problem}`, { field }),
  notFound: (kind: string, id: string) => new ServiceError(status.NOT_FOUND, `${kind} ${JSON.stringify(id)} not found`),
  alreadyExists: (kind: string, what: string) => new ServiceError(status.ALREADY_EXISTS, `${kind} ${what} already exists`),
  paymentRequired: (orgId: string) =>
    new ServiceError(status.FAILED_PRECONDITION, `payment required: organization ${JSON.stringify(orgId)} is frozen`, { reason: 'PAYMENT_REQUIRED' }),
  planLimit: (resource: string, limit: number, plan: string) =>
    new ServiceError(status.RESOURCE_EXHAUSTED, `plan limit reached: ${plan} allows at most ${limit} ${resource}`, { reason: 'PLAN_LIMIT' }),
  idempotencyKeyReused: () =>
    new ServiceError(status.INVALID_ARGUMENT, 'idempotency_key: already used for a different request', {
      field: 'idempotency_key',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    }),
  aborted: (message: string) => new ServiceError(status.ABORTED, message),
  unavailable: (message: string) => new ServiceError(status.UNAVAILABLE, message),
  deadlineExceeded: (message: string) => new ServiceError(status.DEADLINE_EXCEEDED, message),
};

/** Go-style code names (as go-grpc-prometheus labels them): OK, NotFound, … */
const CODE_NAMES: Record<number, string> = {
  0: 'OK', 1: 'Canceled', 2: 'Unknown', 3: 'InvalidArgument', 4: 'DeadlineExceeded', 5: 'NotFound',
  6: 'AlreadyExists', 7: 'PermissionDenied', 8: 'ResourceExhausted', 9: 'FailedPrecondition', 10: 'Aborted',
  11: 'OutOfRange', 12: 'Unimplemented', 13: 'Internal', 14: 'Unavailable', 15: 'DataLoss', 16: 'Unauthenticated',
};

/** The Go-style name of a gRPC status code, e.g. 14 → "Unavailable". */
export function codeName(code: number): string {
  return CODE_NAMES[code] ?? 'Unknown';
}

/** The canonical UPPER_SNAKE name of a gRPC status code, e.g. 14 → "UNAVAILABLE". */
export function statusName(code: number): string {
  return status[code] ?? 'UNKNOWN';
}

/** True for objects shaped like a grpc-js ServiceError (have a numeric code and metadata). */
export function isGrpcError(err: unknown): err is GrpcServiceError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' && 'metadata' in err;
}

/**
 * Maps any thrown value to the status sent to the caller. ServiceErrors keep
 * their code and message; anything else becomes INTERNAL without leaking its
 * message or stack (the caller logs those).
 */
export function toStatus(err: unknown): Partial<StatusObject> & { code: status } {
  if (err instanceof ServiceError) {
    const metadata = new Metadata();
    if (err.meta.field) metadata.set('error-field', err.meta.field);
    if (err.meta.reason) metadata.set('error-reason', err.meta.reason);
    if (err.meta.downstream) metadata.set('error-downstream', err.meta.downstream);
    return { code: err.code, details: err.message, metadata };
  }
  return { code: status.INTERNAL, details: 'internal error', metadata: new Metadata() };
}

/** Reads the `error-field` / `error-reason` trailers of a failed call. */
export function errorMeta(err: GrpcServiceError): { field?: string; reason?: string; downstream?: string } {
  const get = (k: string): string | undefined => {
    const v = err.metadata?.get(k)[0];
    return v === undefined ? undefined : String(v);
  };
  const out: { field?: string; reason?: string; downstream?: string } = {};
  const field = get('error-field');
  const reason = get('error-reason');
  const downstream = get('error-downstream');
  if (field) out.field = field;
  if (reason) out.reason = reason;
  if (downstream) out.downstream = downstream;
  return out;
}
