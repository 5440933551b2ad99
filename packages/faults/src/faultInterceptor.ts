import { Metadata, ServerInterceptingCall, status, type Responder, type ServerInterceptingCallInterface, type ServerInterceptor, type ServerListener } from '@grpc/grpc-js';
import type { FaultDecision, FaultInjector } from './faultInjector';

/** The kinds of injected fault (a metric label). */
export type FaultKind = 'delay' | 'abort' | 'drop';

/** Told about every injected fault: metrics, logs and span events hang here. */
export type FaultObserver = (path: string, kind: FaultKind, detail: { delayMs?: number; code?: number }) => void;

/**
 * A grpc-js server interceptor applying the injector's rules to each call:
 * delay before the handler runs, abort with a status instead of running it, or
 * run it and drop the response (the caller sees UNAVAILABLE although the side
 * effect happened). Put it after the metrics interceptor so that what it does
 * is measured like a real failure. Calls with no matching rule pass untouched.
 */
export function faultInterceptor(injector: FaultInjector, observe: FaultObserver): ServerInterceptor {
  return (descriptor, call) => {
    const decision = injector.active && !isControlPlane(descriptor.path) ? injector.decide(descriptor.path) : undefined;
    if (!decision) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(call, faulty(descriptor.path, decision, call, observe));
  };
}

/** Fault admin, health and reflection are never faulted: the way back from a fault must stay open. */
function isControlPlane(path: string): boolean {
  return path.startsWith('/govrnanza.faults.') || path.startsWith('/grpc.health.') || path.startsWith('/grpc.reflection.');
}

function faulty(path: string, d: FaultDecision, call: ServerInterceptingCallInterface, observe: FaultObserver): Responder {
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  return {
    start(next: (listener: ServerListener) => void) {
      next({
        onReceiveHalfClose(nextHalfClose) {
          const proceed = (): void => {
            if (cancelled) return;
            if (d.abortCode !== undefined) {
              observe(path, 'abort', { code: d.abortCode });
              call.sendStatus({ code: d.abortCode, details: `injected fault: ${status[d.abortCode]}`, metadata: new Metadata() });
              return;
            }
            nextHalfClose();
          };
          if (d.delayMs > 0) {
            observe(path, 'delay', { delayMs: Math.round(d.delayMs) });
            timer = setTimeout(proceed, d.delayMs);
          } else {
            proceed();
          }
        },
        onCancel() {
          cancelled = true;
          clearTimeout(timer);
        },
      });
    },
    // A dropped response still goes on the wire, followed by UNAVAILABLE: a
    // unary client then reports the error and never sees the message, as if it
    // had been lost (grpc-js sends the status only after the message is written).
    sendMessage(message, next) {
      next(message);
    },
    sendStatus(s, next) {
      if (d.drop && s.code === status.OK) {
        observe(path, 'drop', { code: status.UNAVAILABLE });
        next({ code: status.UNAVAILABLE, details: 'injected fault: response dropped after the handler ran', metadata: s.metadata });
        return;
      }
      next(s);
    },
  };
}
