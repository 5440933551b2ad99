/**
 * The load generator's own process (forked by the bench): runs the jobs it is
 * sent with @govrnanza/loadgen and answers with the report and the CPU it
 * used, so the generator never shares an event loop with the bench's sink
 * or sampling, and its CPU can be accounted for.
 */
import { performance } from 'node:perf_hooks';
import { grpcTarget, httpTarget, runClosedLoop, runOpenLoop, type LoadTarget } from '@govrnanza/loadgen';
import type { FromWorker, LoadJob, LoadResult, ToWorker } from './loadJob';
import type { TargetSpec } from './paths';

function targetOf(spec: TargetSpec): LoadTarget {
  return spec.kind === 'grpc'
    ? grpcTarget({ address: spec.address, method: spec.method, json: spec.json })
    : httpTarget({ host: '127.0.0.1', port: spec.port, requests: [{ path: spec.path }] });
}

async function run(job: LoadJob): Promise<LoadResult> {
  const target = targetOf(job.target);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const report =
      job.mode === 'closed'
        ? await runClosedLoop({ target, concurrency: job.concurrency, durationMs: job.durationMs, timeoutMs: job.timeoutMs })
        : await runOpenLoop({ target, rate: job.rate, durationMs: job.durationMs, warmupMs: job.warmupMs, timeoutMs: job.timeoutMs });
    const used = process.cpuUsage(cpu);
    const { latencyHistogram: _histogram, ...summary } = report;
    return { report: summary, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started };
  } finally {
    await target.close();
  }
}

process.on('message', (message: ToWorker) => {
  run(message.job).then(
    (result) => process.send!({ id: message.id, result } satisfies FromWorker),
    (err: unknown) => process.send!({ id: message.id, error: err instanceof Error ? err.message : String(err) } satisfies FromWorker),
  );
});
process.on('disconnect', () => process.exit(0));
