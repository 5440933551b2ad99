import type { FaultRuleSpec } from '@govrnanza/faults';
import type { LoadReport } from '@govrnanza/loadgen';
import type { CheckSpec, LoadSpec, Probe } from './experimentFile';
import type { ProbeResult } from './hypothesis';
import type { RoutePrediction } from './routePrediction';

/** One route's load in one phase (the load report keeps its HdrHistogram). */
export interface RouteResult {
  route: string;
  path: string;
  rate: number;
  report: LoadReport;
  /** Share of this route's requests answered degraded (an upper bound; see degradedByRoute); absent without metrics. */
  degraded?: number;
}

/** Traffic on one edge during the measured window, as its caller saw it. */
export interface EdgePressure {
  key: string;
  /** Logical calls per second. */
  callsPerSecond: number;
  /** Attempts on the wire per logical call (retries, hedges). */
  attemptsPerCall: number;
  /** Share of logical calls that succeeded. */
  callSuccess: number;
  /** Mean latency of a logical call, ms (retries, waits for the bulkhead included). */
  meanCallMs: number;
  /** Calls held in flight on average (Little's law: rate × mean latency). */
  inFlight: number;
  /** Share of logical calls refused before any attempt (open breaker, full bulkhead, no time left). */
  refused: number;
}

/** A phase: before the fault, under it (measured), or after it. */
export interface PhaseResult {
  phase: 'before' | 'during' | 'after';
  durationMs: number;
  routes: RouteResult[];
  probes: ProbeResult[];
  holds: boolean;
  /** Attempts each back-end received per request (all routes); absent without metrics. */
  attemptsPerRequest?: Record<string, number>;
  /** Degraded parts per request (e.g. owners, org_status), from the services' fallback counters. */
  degradedPerRequest?: Record<string, number>;
}

export type VariantVerdict = 'as-expected' | 'broke-unexpectedly' | 'held-unexpectedly' | 'not-steady-before' | 'not-recovered' | 'error';

/** Everything measured and predicted for one variant. */
export interface VariantResult {
  name: string;
  description?: string;
  /** The environment the services ran with (experiment's and variant's). */
  env: Record<string, string>;
  expect: 'holds' | 'breaks';
  fanout?: number;
  phases: PhaseResult[];
  verdict: VariantVerdict;
  /** One sentence saying what the verdict means. */
  verdictText: string;
  passed: boolean;
  predictions: RoutePrediction[];
  pressure: EdgePressure[];
  notes: string[];
}

/** result.json: the experiment as run, each variant's phases, predictions and verdict. */
export interface ExperimentResult {
  experiment: {
    name: string;
    title: string;
    description: string;
    source: string;
    hypothesis: Probe[];
    faults: FaultRuleSpec[];
    load: LoadSpec;
    check: CheckSpec;
  };
  command: string;
  startedAt: string;
  finishedAt: string;
  backend: 'local' | 'istio';
  /** How the system was reached: started by the runner, or already running. */
  system: 'started' | 'running';
  machine: { cpus: number; loadAverage1m: number[]; node: string };
  variants: VariantResult[];
  passed: boolean;
  /** The chain-cost model's assumptions, and the runner's own in building its inputs. */
  assumptions: string[];
}
