import type { LoadReport } from './LoadReport';
import { summarizeMicros, type RunRecorder } from './RunRecorder';

/** The parts of a report that differ between open and closed loops. */
export type RunFacts = Pick<LoadReport, 'mode' | 'target' | 'startedAt' | 'durationMs' | 'sendWindowMs' | 'rateAchieved'> &
  Partial<Pick<LoadReport, 'arrival' | 'rateAsked' | 'concurrency' | 'sendLagMs'>> & {
    sent: number;
    intended?: number;
    missed: number;
    fellBehindReasons: string[];
  };

/** Assembles a {@link LoadReport} from what a run recorded. */
export function buildReport(recorder: RunRecorder, facts: RunFacts): LoadReport {
  const { sent, intended, missed, fellBehindReasons, ...rest } = facts;
  const completed = recorder.completed;
  return {
    ...rest,
    throughput: facts.durationMs > 0 ? (completed * 1000) / facts.durationMs : 0,
    requests: { ...(intended === undefined ? {} : { intended }), sent, completed, ok: recorder.ok, failed: recorder.failed, missed },
    successRatio: completed > 0 ? recorder.ok / completed : 0,
    codes: recorder.codesObject(),
    latencyMs: summarizeMicros(recorder.latency),
    fellBehind: fellBehindReasons.length > 0,
    fellBehindReasons,
    latencyHistogram: recorder.encodedLatency(),
  };
}
