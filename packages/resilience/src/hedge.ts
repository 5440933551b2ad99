/**
 * Runs `attempt` and, if it has not settled after `delayMs` and `mayHedge()`
 * agrees (the retry budget), a second copy; the first success wins and the
 * other is cancelled through its signal. When both fail, the later failure is
 * thrown. For idempotent reads only.
 */
export function hedged<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  delayMs: number,
  mayHedge: () => boolean,
  signal: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const controllers: AbortController[] = [];
    let pending = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined = undefined;
    const launch = (): void => {
      const controller = new AbortController();
      controllers.push(controller);
      pending++;
      const onAbort = (): void => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      attempt(controller.signal).then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          for (const c of controllers) if (c !== controller) c.abort(new Error('hedge lost'));
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          pending--;
          if (settled || pending > 0) return;
          settled = true;
          clearTimeout(timer);
          reject(err);
        },
      );
    };
    launch();
    timer = setTimeout(() => {
      if (!settled && mayHedge()) launch();
    }, delayMs);
  });
}
