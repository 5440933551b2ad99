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
    const decision = injector.active ? injector.decide(descriptor.path) : undefined;
    if (!decision) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(call, faulty(descriptor.path, decision, call, observe));
  };
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
    sendMessage(message, next) {
      if (!d.drop) next(message);
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
