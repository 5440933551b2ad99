import { describe, expect, it } from 'vitest';
import type { CallNode } from './callTree';
import { compileTree } from './compileTree';
import { constantDistribution } from './Distribution';
import { simulateRequest } from './simulateRequest';

const leaf = (service: string): CallNode => ({ service, method: 'M', stages: [] });

/** Stage 0: a (fails, 5 ms) ∥ b (ok, 100 ms) ∥ c (fails, 40 ms, degrade); stage 1: d (ok, 7 ms). */
const tree: CallNode = {
  service: 'root',
  method: 'M',
  stages: [
    [
      { key: 'root->a.M', callee: leaf('a') },
      { key: 'root->b.M', callee: leaf('b') },
      { key: 'root->c.M', fallback: 'degrade', callee: leaf('c') },
    ],
    [{ key: 'root->d.M', callee: leaf('d') }],
  ],
};

function edges(aSuccess: number) {
  return {
    'root->a.M': { successRatio: aSuccess, latency: constantDistribution(5) },
    'root->b.M': { latency: constantDistribution(100) },
    'root->c.M': { successRatio: 0, latency: constantDistribution(40) },
    'root->d.M': { latency: constantDistribution(7) },
  };
}

describe('simulateRequest', () => {
  it('fails a node at its earliest failing call without fallback, skipping later stages', () => {
    const { root } = compileTree(tree, { edges: edges(0) });
    expect(simulateRequest(root, Math.random)).toEqual({ ok: false, latencyMs: 5 });
  });

  it('waits for the slowest call of a stage, degraded ones included, then runs the next stage', () => {
    const { root } = compileTree(tree, { edges: edges(1), serviceTimes: { root: constantDistribution(1) } });
    expect(simulateRequest(root, Math.random)).toEqual({ ok: true, latencyMs: 1 + 100 + 7 });
  });

  it('does not descend below an inclusive edge', () => {
    const deep: CallNode = { service: 'root', method: 'M', stages: [[{ key: 'root->mid.M', callee: { ...leaf('mid'), stages: tree.stages } }]] };
    const inclusive = compileTree(deep, { edges: { ...edges(0), 'root->mid.M': { inclusive: true, latency: constantDistribution(3) } } });
    expect(simulateRequest(inclusive.root, Math.random)).toEqual({ ok: true, latencyMs: 3 });
    const descending = compileTree(deep, { edges: { ...edges(0), 'root->mid.M': { latency: constantDistribution(3) } } });
    expect(simulateRequest(descending.root, Math.random)).toEqual({ ok: false, latencyMs: 3 + 5 });
  });
});
