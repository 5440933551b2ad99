/**
 * What a call passes to the work it starts so that the work stops when the
 * call is given up (its caller cancelled, went away, or its deadline passed).
 *
 * A lighter stand-in for an AbortSignal on the hot path: on Node 20 creating
 * an AbortController costs about 5 µs of CPU and every listener goes through
 * EventTarget, and a request that calls a downstream needs one for each
 * request it serves. A `CancellationSource` is a plain object with an array
 * of listeners; its `signal` bridges to APIs that take an AbortSignal and is
 * made on first use only.
 */
export interface Cancellation {
  readonly aborted: boolean;
  /** Why it was aborted; `undefined` until then. */
  readonly reason: unknown;
  /**
   * Calls `listener` once when aborted (at once if it already is). Returns
   * what stops listening: call it when the work is done.
   */
  onAbort(listener: (reason: unknown) => void): () => void;
  /** An AbortSignal that aborts with this cancellation (made on first use). */
  readonly signal: AbortSignal;
}

const NOTHING = (): void => {};

/**
 * A cancellation the owner aborts. `watch`, when given, is called once, on
 * first interest (a listener, `aborted`, `signal`): it connects the source to
 * what aborts it, so a call whose work never asks pays for no listener.
 */
export class CancellationSource implements Cancellation {
  private done = false;
  private why: unknown = undefined;
  private listeners: ((reason: unknown) => void)[] | undefined;
  private controller: AbortController | undefined;

  constructor(private watch?: (source: CancellationSource) => void) {}

  get aborted(): boolean {
    this.start();
    return this.done;
  }

  get reason(): unknown {
    this.start();
    return this.why;
  }

  /** Aborts with `reason`; later calls do nothing. Listeners run in the order they were added. */
  abort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.why = reason;
    this.watch = undefined;
    const listeners = this.listeners;
    this.listeners = undefined;
    this.controller?.abort(reason);
    if (listeners) for (const listener of listeners) callReporting(listener, reason);
  }

  onAbort(listener: (reason: unknown) => void): () => void {
    this.start();
    if (this.done) {
      listener(this.why);
      return NOTHING;
    }
    const listeners = (this.listeners ??= []);
    listeners.push(listener);
    return () => {
      const i = this.listeners?.indexOf(listener) ?? -1;
      if (i !== -1) this.listeners!.splice(i, 1);
    };
  }

  get signal(): AbortSignal {
    this.start();
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.done) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }

  private start(): void {
    const watch = this.watch;
    if (watch === undefined) return;
    this.watch = undefined;
    watch(this);
  }
}

/**
 * As EventTarget does: a listener that throws does not keep the others from
 * running, and its error is reported as uncaught rather than thrown into
 * whoever aborted (e.g. grpc-js emitting the end of a call).
 */
function callReporting(listener: (reason: unknown) => void, reason: unknown): void {
  try {
    listener(reason);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}

/** The cancellation of an existing AbortSignal (it is its own `signal`). */
export function cancellationOf(signal: AbortSignal): Cancellation {
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.aborted ? signal.reason : undefined;
    },
    onAbort(listener) {
      if (signal.aborted) {
        listener(signal.reason);
        return NOTHING;
      }
      const onAbort = (): void => listener(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      return () => signal.removeEventListener('abort', onAbort);
    },
    signal,
  };
}

/** A cancellation that never aborts (it adds no listener anywhere, however many use it). */
export const NEVER_CANCELLED: Cancellation = Object.freeze({
  aborted: false,
  reason: undefined,
  onAbort: () => NOTHING,
  signal: new AbortController().signal,
});
