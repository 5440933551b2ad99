import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * An OpenTelemetry context manager that keeps the active context for the
 * synchronous extent of `with` only, as a stack: nothing follows a callback,
 * a timer or an `await`.
 *
 * Why: Node 20's AsyncLocalStorage (what the SDK's default context manager
 * uses) turns on promise hooks for the whole process the first time a
 * context is entered, and every promise then pays for them: measured at 2–3×
 * on a promise-heavy loop here, and most of the cost of 1 % tracing on the
 * three-process chain (README, Performance). Govrnanza carries the trace
 * context explicitly instead (`CallContext.trace`), and enters it only around
 * the synchronous code that reads the active span (a handler as it starts,
 * grpc-js as it sends); metrics take their exemplars from explicit contexts.
 * `TRACE_CONTEXT=async` brings AsyncLocalStorage back, for library
 * instrumentations that need the context to follow awaits (ioredis).
 */
export class SyncContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;

  active(): Context {
    return this.current;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = context;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }

  /** Functions run in `context` when called; anything else is returned as it is. */
  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => fn.apply(this, args));
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}
