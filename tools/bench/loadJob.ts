import type { LoadReport } from '@govrnanza/loadgen';
import type { TargetSpec } from './paths';

/** A run the generator process is asked to make. Times in ms. */
export type LoadJob =
  | { mode: 'closed'; target: TargetSpec; concurrency: number; durationMs: number; timeoutMs: number }
  | { mode: 'open'; target: TargetSpec; rate: number; durationMs: number; warmupMs: number; timeoutMs: number };

/** A LoadReport without its encoded histogram (the summary is kept). */
export type LoadSummary = Omit<LoadReport, 'latencyHistogram'>;

/** What the generator process answers. */
export interface LoadResult {
  report: LoadSummary;
  /** CPU the generator process used during the job (user + system), ms. */
  cpuMs: number;
  /** Wall time of the job in the generator, ms. */
  wallMs: number;
}

/** Messages between the bench and its generator process. */
export type ToWorker = { id: number; job: LoadJob };
export type FromWorker = { id: number; result: LoadResult } | { id: number; error: string };
