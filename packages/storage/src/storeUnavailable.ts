import { status } from '@grpc/grpc-js';
import { ServiceError } from '@govrnanza/runtime';

/** The store could not be reached: callers get UNAVAILABLE (retryable), not INTERNAL. */
export class StoreUnavailableError extends ServiceError {
  constructor(cause: string) {
    super(status.UNAVAILABLE, `store unavailable: ${cause}`);
    this.name = 'StoreUnavailableError';
  }
}

// ioredis errors that mean "no connection", as opposed to a bad command.
const CONNECTION_ERRORS = ['MaxRetriesPerRequestError', 'ConnectionTimeoutError'];
const CONNECTION_MESSAGES = /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Stream isn't writeable/;

function isConnectionError(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return CONNECTION_ERRORS.includes(e?.name ?? '') || CONNECTION_MESSAGES.test(e?.message ?? '');
}

/** Wraps every async method of `target` so connection failures become StoreUnavailableError. */
export function guardStore<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const out = (value as (...a: unknown[]) => unknown).apply(obj, args);
        return out instanceof Promise
          ? out.catch((err: unknown) => {
              throw isConnectionError(err) ? new StoreUnavailableError((err as Error).message) : err;
            })
          : out;
      };
    },
  });
}
