import { randomUUID } from 'node:crypto';
import { isSpanContextValid, ROOT_CONTEXT, trace as traceApi, type Context } from '@opentelemetry/api';
import { cancellationOf, type Cancellation } from './cancellation';
import type { Logger } from './logger';

/** What a handler knows about the call it is serving, passed to every downstream call. */
export interface CallContext {
  /**
   * Correlates logs across hops: from `x-request-id`; without one, the id of
   * the trace the call started, if traced; otherwise generated.
   */
  readonly requestId: string;
  /** Absolute deadline in epoch ms; `Infinity` when the caller set none. */
  readonly deadline: number;
  /**
   * Aborted when the caller cancels or goes away (for a served gRPC call, also
   * when its deadline passes): pass it to the work the call starts.
   */
  readonly cancellation: Cancellation;
  /** `cancellation` as an AbortSignal, for APIs that take one (made on first use: it costs more). */
  readonly signal: AbortSignal;
  /** A logger bound to this request (created on first use). */
  readonly log: Logger;
  /**
   * The OpenTelemetry context of the span serving this call (sampled or
   * not): downstream calls are its children and pass its trace on.
   */
  readonly trace: Context;
  /**
   * The same call with an earlier deadline, e.g. one that keeps time back
   * for a fallback: it shares this context's cancellation, logger and trace
   * (the logger still created lazily, once).
   */
  withDeadline(deadline: number): CallContext;
}

const REQUEST_ID = /^[\w.-]{1,128}$/;

/** True for an `x-request-id` value `requestIdFrom` keeps. */
export function isWellFormedRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID.test(value);
}

/**
 * The request id of a call: the untrusted `x-request-id` header when it is
 * well-formed; else the trace id of `newTrace`, the context of the span
 * serving the call when that span started a new trace (no trace context
 * came with the call), when it has a valid one, so a traced request's id finds
 * its trace; else a new UUID. The id of a trace the caller continued is not
 * used: a client may send several requests in one trace.
 */
export function requestIdFrom(value: unknown, newTrace: Context = ROOT_CONTEXT): string {
  if (isWellFormedRequestId(value)) return value;
  const span = traceApi.getSpanContext(newTrace);
  return span !== undefined && isSpanContextValid(span) ? span.traceId : randomUUID();
}

/** Converts a grpc-js deadline (Date or ms number, Infinity when none) to epoch ms. */
export function deadlineToEpochMs(deadline: Date | number): number {
  return deadline instanceof Date ? deadline.getTime() : deadline;
}

/** What the contexts of one call share: the lazily created logger. */
class Lazy {
  private logMade: Logger | undefined;

  constructor(
    private readonly parentLog: Logger,
    private readonly requestId: string,
    private readonly method: string,
  ) {}

  log(): Logger {
    this.logMade ??= this.parentLog.child({ requestId: this.requestId, method: this.method });
    return this.logMade;
  }
}

/** One class for every context, so the code reading them sees one shape. */
class ServedCallContext implements CallContext {
  constructor(
    readonly requestId: string,
    readonly deadline: number,
    readonly trace: Context,
    readonly cancellation: Cancellation,
    private readonly lazy: Lazy,
  ) {}

  get signal(): AbortSignal {
    return this.cancellation.signal;
  }

  get log(): Logger {
    return this.lazy.log();
  }

  withDeadline(deadline: number): CallContext {
    return new ServedCallContext(this.requestId, deadline, this.trace, this.cancellation, this.lazy);
  }
}

/**
 * Builds a CallContext whose logger is only created if a handler logs.
 * `cancellation` is what aborts the call's work: a `CancellationSource` (the
 * server edges use one that starts listening for the call's end only when
 * something asks), or an AbortSignal.
 */
export function createCallContext(opts: {
  requestId: string;
  deadline: number;
  cancellation: Cancellation | AbortSignal;
  log: Logger;
  method: string;
  /** Default: no trace (downstream calls start their own). */
  trace?: Context;
}): CallContext {
  const cancellation = opts.cancellation instanceof AbortSignal ? cancellationOf(opts.cancellation) : opts.cancellation;
  return new ServedCallContext(opts.requestId, opts.deadline, opts.trace ?? ROOT_CONTEXT, cancellation, new Lazy(opts.log, opts.requestId, opts.method));
}

/** A context for work that starts outside any request (start-up, tests). */
export function backgroundContext(log: Logger, timeoutMs = 10_000): CallContext {
  return createCallContext({
    requestId: randomUUID(),
    deadline: Date.now() + timeoutMs,
    cancellation: AbortSignal.timeout(timeoutMs),
    log,
    method: 'background',
  });
}
