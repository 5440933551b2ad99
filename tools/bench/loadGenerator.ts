import { fork, type ChildProcess } from 'node:child_process';
import { pinProcess } from './cpuPlacement';
import type { FromWorker, LoadJob, LoadResult } from './loadJob';

/** The load generator, in a process of its own. */
export interface LoadGenerator {
  pid: number;
  run(job: LoadJob): Promise<LoadResult>;
  close(): Promise<void>;
}

/**
 * Forks the generator process (the bundled `loadWorker`), with no inherited
 * Node flags (no TypeScript hook) and a minimal environment. Several jobs may
 * run at once (the soak runs one per path). `cores`: restrict it to these
 * (a `taskset -c` list).
 */
export function startLoadGenerator(workerBundle: string, cores?: string): LoadGenerator {
  const child: ChildProcess = fork(workerBundle, [], {
    execArgv: [],
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (cores !== undefined) {
    try {
      pinProcess(child.pid!, cores);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  let next = 0;
  child.on('message', (message: FromWorker) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if ('error' in message) waiter.reject(new Error(`load generator: ${message.error}`));
    else waiter.resolve(message.result);
  });
  child.on('exit', (code) => {
    for (const w of pending.values()) w.reject(new Error(`load generator exited with code ${code}`));
    pending.clear();
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    pid: child.pid!,
    run(job) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, job });
      });
    },
    close() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      });
    },
  };
}
