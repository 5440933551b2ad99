import { Metadata, status, type handleUnaryCall, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { FaultDecision, FaultInjector } from './faultInjector';

/** The kinds of injected fault (a metric label). */
export type FaultKind = 'delay' | 'abort' | 'drop';

/** Told about every injected fault, with the call it hit: metrics, logs and span events hang here. */
export type FaultObserver = (path: string, kind: FaultKind, detail: { delayMs?: number; code?: number }, call: ServerUnaryCall<unknown, unknown>) => void;

/** Wraps one unary handler; returned unchanged when faults are off. */
export type HandlerWrapper = (path: string, handler: handleUnaryCall<unknown, unknown>) => handleUnaryCall<unknown, unknown>;

/**
 * Fault injection around each unary handler: delay before it runs, abort
 * with a status instead of running it, or run it and drop its response (the
 * caller sees UNAVAILABLE although the side effect happened).
 *
 * It wraps the registered handler rather than sitting in a grpc-js server
 * interceptor because the server span exists only around the handler (see
 * telemetry's `instrumentHandler`, which wraps this): there an injected fault is
 * an event on that span and its delay is part of the span, as it is part of
 * the call. The server metrics, recorded there too, measure faulted calls like
 * real ones. Fault admin,
 * health and reflection are never faulted: the way back must stay open.
 */
export function faultHandlerWrapper(injector: FaultInjector, observe: FaultObserver): HandlerWrapper {
  return (path, handler) => {
    if (isControlPlane(path)) return handler;
    return (call, callback) => {
      const d = injector.active ? injector.decide(path) : undefined;
      if (!d) return handler(call, callback);
      applyFault(path, d, call, callback, handler, observe);
    };
  };
}

function applyFault(
  path: string,
  d: FaultDecision,
  call: ServerUnaryCall<unknown, unknown>,
  callback: sendUnaryData<unknown>,
  handler: handleUnaryCall<unknown, unknown>,
  observe: FaultObserver,
): void {
  const proceed = (): void => {
    if (call.cancelled) return;
    if (d.abortCode !== undefined) {
      observe(path, 'abort', { code: d.abortCode }, call);
      callback({ code: d.abortCode, details: `injected fault: ${status[d.abortCode]}`, metadata: new Metadata() });
      return;
    }
    if (!d.drop) return handler(call, callback);
    handler(call, (err, value) => {
      if (err) return callback(err);
      observe(path, 'drop', { code: status.UNAVAILABLE }, call);
      callback({ code: status.UNAVAILABLE, details: 'injected fault: response dropped after the handler ran', metadata: new Metadata() }, value);
    });
  };
  if (d.delayMs <= 0) return proceed();
  observe(path, 'delay', { delayMs: Math.round(d.delayMs) }, call);
  const timer = setTimeout(proceed, d.delayMs);
  call.once('cancelled', () => clearTimeout(timer));
}

function isControlPlane(path: string): boolean {
  return path.startsWith('/govrnanza.faults.') || path.startsWith('/grpc.health.') || path.startsWith('/grpc.reflection.');
}
