import { ConfigError } from './config';
import type { Logger } from './logger';

/** Something to stop on shutdown, in the order given. */
export type Stopper = { name: string; stop: () => Promise<void> };

/**
 * Runs a service's `start` and, on SIGTERM or SIGINT, its stoppers in order,
 * then exits 0 (1 if a stopper failed). A second signal exits at once.
 * A ConfigError at start-up prints every problem and exits 1.
 */
export function runMain(start: () => Promise<{ log: Logger; stoppers: Stopper[] }>): void {
  start().then(
    ({ log, stoppers }) => {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) {
          log.warn({ signal }, 'second signal: exiting now');
          process.exit(1);
        }
        stopping = true;
        log.info({ signal }, 'shutting down');
        void stopAll(stoppers, log).then((ok) => {
          log.info('stopped');
          log.flush();
          // Let the async log destination drain before leaving.
          setTimeout(() => process.exit(ok ? 0 : 1), 50).unref();
        });
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    },
    (err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
      } else {
        process.stderr.write(`failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
      }
      process.exit(1);
    },
  );
}

async function stopAll(stoppers: Stopper[], log: Logger): Promise<boolean> {
  let ok = true;
  for (const s of stoppers) {
    try {
      await s.stop();
    } catch (err) {
      ok = false;
      log.error({ err, stopper: s.name }, 'stop failed');
    }
  }
  return ok;
}
