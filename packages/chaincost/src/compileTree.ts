import type { CallNode } from './callTree';
import type { ChainModel } from './ChainModel';
import type { Distribution } from './Distribution';

/** A call with its stats and policy resolved, ready for fast repeated simulation. */
export interface CompiledCall {
  key: string;
  fallback: boolean;
  successRatio: number;
  latency: Distribution | undefined;
  /** Undefined when the edge is inclusive or the callee calls nothing and has no service time. */
  callee: CompiledNode | undefined;
  timeoutMs: number | undefined;
  maxAttempts: number;
  retryableRatio: number;
  retryOnTimeout: boolean;
  /** Share of would-be retries the retry budget allows. */
  budgetRatio: number;
  /** Share of calls refused before any attempt (failing at once, never retried). */
  rejectedRatio: number;
  /** Wait before attempt i + 2, ms. */
  backoffMs: number[];
}

/** A node with its service time and calls resolved. */
export interface CompiledNode {
  serviceTime: Distribution | undefined;
  stages: CompiledCall[][];
}

/** Resolves a tree against a model once, validating the figures; also lists edges the model has no stats for. */
export function compileTree(tree: CallNode, model: ChainModel): { root: CompiledNode; unmeasuredEdges: string[] } {
  const unmeasured = new Set<string>();
  const compileNode = (n: CallNode): CompiledNode => ({
    serviceTime: model.serviceTimes?.[`${n.service}.${n.method}`] ?? model.serviceTimes?.[n.service],
    stages: n.stages.map((stage) =>
      stage.map((e): CompiledCall => {
        const stats = model.edges[e.key];
        if (!stats) unmeasured.add(e.key);
        const policy = model.policies?.[e.key] ?? model.defaultPolicy ?? {};
        const callee = stats?.inclusive ? undefined : compileNode(e.callee);
        const retry = policy.retry;
        const maxAttempts = retry ? checked(`${e.key} maxAttempts`, retry.maxAttempts, 1, 100, true) : 1;
        return {
          key: e.key,
          fallback: e.fallback !== undefined,
          successRatio: checked(`${e.key} successRatio`, stats?.successRatio ?? 1, 0, 1),
          latency: stats?.latency,
          callee: callee && (callee.stages.length > 0 || callee.serviceTime) ? callee : undefined,
          timeoutMs: policy.timeoutMs === undefined ? undefined : checked(`${e.key} timeoutMs`, policy.timeoutMs, 0, Infinity),
          maxAttempts,
          retryableRatio: checked(`${e.key} retryableRatio`, retry?.retryableRatio ?? 1, 0, 1),
          retryOnTimeout: retry?.retryOnTimeout ?? true,
          budgetRatio: checked(`${e.key} budgetRatio`, retry?.budgetRatio ?? 1, 0, 1),
          rejectedRatio: checked(`${e.key} rejectedRatio`, stats?.rejectedRatio ?? 0, 0, 1),
          backoffMs: backoffs(retry?.backoffMs ?? 0, retry?.backoffMultiplier ?? 1, maxAttempts),
        };
      }),
    ),
  });
  const root = compileNode(tree);
  return { root, unmeasuredEdges: [...unmeasured] };
}

function backoffs(first: number, multiplier: number, maxAttempts: number): number[] {
  return Array.from({ length: Math.max(0, maxAttempts - 1) }, (_, i) => first * multiplier ** i);
}

function checked(name: string, value: number, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}
