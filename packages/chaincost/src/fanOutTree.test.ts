import { describe, expect, it } from 'vitest';
import { fanOutTree } from './fanOutTree';

describe('fanOutTree', () => {
  it('calls the same downstream n times in one stage, all on one edge key', () => {
    const tree = fanOutTree({ n: 3, downstream: 'profile', method: 'GetProfile', fallback: 'degrade' });
    expect(tree.stages).toHaveLength(1);
    expect(tree.stages[0]!.map((e) => [e.key, e.fallback, e.callee.stages.length])).toEqual([
      ['gateway->profile.GetProfile', 'degrade', 0],
      ['gateway->profile.GetProfile', 'degrade', 0],
      ['gateway->profile.GetProfile', 'degrade', 0],
    ]);
    expect(fanOutTree({ n: 1 }).stages[0]![0]!.key).toBe('gateway->account.GetOrganization');
  });

  it('rejects n that is not a positive integer', () => {
    expect(() => fanOutTree({ n: 0 })).toThrow(/integer ≥ 1/);
    expect(() => fanOutTree({ n: 2.5 })).toThrow(/integer ≥ 1/);
  });
});
