import { CancellationSource, type Cancellation } from '@govrnanza/runtime';

/**
 * Runs `attempt` and, if it has not settled after `delayMs` and `mayHedge()`
 * agrees (the retry budget), a second copy; the first success wins and the
 * other is cancelled through its cancellation. When both fail, the later failure is
 * thrown. For idempotent reads only.
 */
export function hedged<T>(
  attempt: (cancellation: Cancellation) => Promise<T>,
  delayMs: number,
  mayHedge: () => boolean,
  cancellation: Cancellation,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const sources: CancellationSource[] = [];
    let pending = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined = undefined;
    const launch = (): void => {
      const source = new CancellationSource();
      sources.push(source);
      pending++;
      const stopFollowing = cancellation.onAbort((reason) => source.abort(reason));
      attempt(source).then(
        (value) => {
          stopFollowing();
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          for (const other of sources) if (other !== source) other.abort(new Error('hedge lost'));
          resolve(value);
        },
        (err: unknown) => {
          stopFollowing();
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
