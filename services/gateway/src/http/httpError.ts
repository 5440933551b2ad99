import { status } from '@grpc/grpc-js';
import { ServiceError, statusName } from '@govrnanza/runtime';

/** An error answered with an HTTP status and a JSON body `{code, message, details}`. */
export class HttpError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const HTTP_OF: Record<number, number> = {
  [status.INVALID_ARGUMENT]: 400,
  [status.OUT_OF_RANGE]: 400,
  [status.FAILED_PRECONDITION]: 400,
  [status.UNAUTHENTICATED]: 401,
  [status.PERMISSION_DENIED]: 403,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.ABORTED]: 409,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.CANCELLED]: 499,
  [status.UNIMPLEMENTED]: 501,
  [status.UNAVAILABLE]: 503,
  [status.DEADLINE_EXCEEDED]: 504,
};

/**
 * The HTTP answer for a failed call. Client errors (4xx) carry the owning
 * service's own message; server errors name the hop that failed. Unknown
 * errors become 500 without their message.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (!(err instanceof ServiceError)) return new HttpError(500, 'INTERNAL', 'internal error');
  const { field, reason, downstream, detail } = err.meta;
  const http = reason === 'PAYMENT_REQUIRED' ? 402 : (HTTP_OF[err.code] ?? 500);
  const details: Record<string, string> = {};
  if (field) details.field = camel(field);
  if (reason) details.reason = reason;
  if (downstream && http >= 500) details.downstream = downstream;
  const own = http < 500 && detail !== undefined ? detail : err.message;
  const message = field && own.startsWith(`${field}:`) ? `${camel(field)}:${own.slice(field.length + 1)}` : own;
  return new HttpError(http, reason === 'PAYMENT_REQUIRED' ? 'PAYMENT_REQUIRED' : statusName(err.code), message, details);
}

/** `technical_owner_id` → `technicalOwnerId` (the JSON names of proto fields). */
export function camel(field: string): string {
  return field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
