/**
 * Load generation against Govrnanza on this machine: an open loop (fixed or
 * Poisson arrivals, latency from intended send times in an HdrHistogram) and a
 * closed loop for throughput, over HTTP or unary gRPC, loopback only.
 */
export { arrivalSchedule, type Arrival, type ArrivalScheduleOptions } from './arrivalSchedule';
export { assertLoopback, NonLoopbackHostError } from './assertLoopback';
export { formatReport } from './formatReport';
export { grpcTarget, type GrpcTargetOptions } from './grpcTarget';
export { httpTarget, type HttpRequestSpec, type HttpTargetOptions } from './httpTarget';
export type { LatencySummary, LoadReport } from './LoadReport';
export type { LoadTarget, RequestOutcome } from './LoadTarget';
export { LOAD_USAGE } from './loadUsage';
export { parseLoadArgs, UsageError, type LoadCommand } from './parseLoadArgs';
export { resolveGrpcMethod, type GrpcMethod } from './resolveGrpcMethod';
export { runClosedLoop, type ClosedLoopOptions } from './runClosedLoop';
export { runOpenLoop, type OpenLoopOptions } from './runOpenLoop';
export { microsHistogram, summarizeMicros } from './RunRecorder';
