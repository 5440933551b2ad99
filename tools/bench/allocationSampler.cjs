/**
 * Preloaded into a benchmarked process by `npm run bench -- --allocations DIR`
 * (`node --require`): V8's sampling heap profiler, driven by lines on stdin.
 *
 *   start          starts sampling (about one allocation per 1 KiB allocated,
 *                  objects collected later included: what the garbage
 *                  collector has to deal with, not only what survives)
 *   stop FILE      stops and writes the profile to FILE (.heapprofile, the
 *                  format of Chrome DevTools and `node --heap-prof`)
 *
 * Each command is acknowledged on stdout (`allocation sampling started`,
 * `allocation profile written`, or `allocation sampling failed: …`), so the
 * bench knows the window is open or closed. Plain CommonJS: it is loaded as
 * it is, before the process's own bundle.
 */
'use strict';
const { isMainThread } = require('node:worker_threads');

// Preloads run in worker threads too: the process's stdin and its heap are the main thread's.
if (isMainThread) startListening();

function startListening() {
  const { Session } = require('node:inspector');
  const { writeFileSync } = require('node:fs');
  const { createInterface } = require('node:readline');

  const SAMPLING_INTERVAL_BYTES = 1024;
  const session = new Session();
  session.connect();

  function post(method, params) {
    return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  }

  async function run(line) {
    const space = line.indexOf(' ');
    const command = space === -1 ? line : line.slice(0, space);
    if (command === 'start') {
      await post('HeapProfiler.enable');
      await post('HeapProfiler.startSampling', {
        samplingInterval: SAMPLING_INTERVAL_BYTES,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      return 'allocation sampling started';
    }
    if (command === 'stop' && space !== -1) {
      const { profile } = await post('HeapProfiler.stopSampling');
      await post('HeapProfiler.disable');
      writeFileSync(line.slice(space + 1), JSON.stringify(profile));
      return 'allocation profile written';
    }
    throw new Error(`unknown command "${line}"`);
  }

  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    run(line.trim()).then(
      (ack) => process.stdout.write(`${ack}\n`),
      (err) => process.stdout.write(`allocation sampling failed: ${err && err.message}\n`),
    );
  });
  // The process lives as long as it serves, not as long as its stdin is open (a pipe can be unref'd).
  if (typeof process.stdin.unref === 'function') process.stdin.unref();
}
