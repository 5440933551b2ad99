import { EDGES } from '@govrnanza/topology';
import { FAILURE_CODE_REGEX, eq, mean, quantile, re, sel, successRatio, sumRate } from './promql';
import { LEVEL_LABELS, LIVE_WINDOWS, QUANTILES, edgeNames, type EdgeLevel } from './names';
import type { RecordingRule, RuleFile } from './ruleTypes';

const FAILED = re('grpc_code', FAILURE_CODE_REGEX);

/** Rules for one level (edge or edge_method) and one window. */
function levelRules(level: EdgeLevel, w: string): RecordingRule[] {
  const by = LEVEL_LABELS[level];
  const rules: RecordingRule[] = [
    { record: edgeNames.calls(level, w), expr: sumRate('govrnanza_client_calls_total', by, w) },
    { record: edgeNames.success(level, w), expr: successRatio('govrnanza_client_calls_total', [], FAILED, by, w) },
    { record: edgeNames.attempts(level, w), expr: sumRate('grpc_client_started_total', by, w) },
    { record: edgeNames.attemptSuccess(level, w), expr: successRatio('grpc_client_handled_total', [], FAILED, by, w) },
    {
      record: edgeNames.amplification(level, w),
      expr: `${sumRate('grpc_client_started_total', by, w)} / ${sumRate('govrnanza_client_calls_total', by, w)}`,
    },
    { record: edgeNames.latencyMean(level, w), expr: mean('govrnanza_client_call_seconds', [], by, w) },
  ];
  for (const { name, q } of QUANTILES) {
    rules.push({ record: edgeNames.latency(level, name, w), expr: quantile(q, 'govrnanza_client_call_seconds', [], by, w) });
  }
  for (const { name, q } of QUANTILES) {
    rules.push({ record: edgeNames.attemptLatency(level, name, w), expr: quantile(q, 'grpc_client_handling_seconds', [], by, w) });
  }
  return rules;
}

/**
 * Per call-graph edge and per edge and method: success ratios of logical
 * calls and of attempts, latency quantiles, and retry amplification. The
 * edges are whatever the callers report; the topology's edges are listed in
 * the group name's comment of the rendered file.
 */
export function edgeRules(): RuleFile {
  return {
    groups: (['edge', 'edge_method'] as const).map((level) => ({
      name: `govrnanza-${level.replace('_', '-')}s`,
      rules: LIVE_WINDOWS.flatMap((w) => levelRules(level, w)),
    })),
  };
}

/** A one-line summary of the topology's edges, for the rendered file's header. */
export function edgesComment(): string {
  return EDGES.map((e) => `${e.from}→${e.to}`).join(', ');
}

/** A selector for one edge (and optionally method) of a recorded edge series. */
export function edgeSeries(name: string, caller: string, downstream: string, method?: string): string {
  const m = [eq('service', caller), eq('downstream', downstream)];
  if (method) m.push(eq('grpc_method', method));
  return sel(name, ...m);
}
