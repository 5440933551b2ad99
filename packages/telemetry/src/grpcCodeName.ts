/**
 * gRPC status codes spelled as Go's `codes.Code.String()` ("OK", "NotFound",
 * "DeadlineExceeded", ...), the spelling go-grpc-prometheus puts in the
 * `grpc_code` label, so dashboards written for Go services work unchanged.
 * Indexed by the numeric status code.
 */
export const GRPC_CODE_NAMES: readonly string[] = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];

/** The `grpc_code` label value of a numeric status code; `Code(n)` for codes gRPC does not define (as Go prints them). */
export function grpcCodeName(code: number): string {
  return GRPC_CODE_NAMES[code] ?? `Code(${code})`;
}
