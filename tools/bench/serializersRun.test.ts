import { describe, expect, it } from 'vitest';
import { runSerializers, serializersMarkdown, threeHopCases } from './serializersRun';

describe('serializers bench', () => {
  it('serializes every message of a three-hop request both ways, to the same bytes', () => {
    const cases = threeHopCases();
    expect(cases.map((c) => c.name)).toEqual([
      'GetApi request',
      'GetOrganization request',
      'GetOrganization response',
      'BatchGetProfiles request',
      'BatchGetProfiles response',
      'GetApi response',
    ]);
    for (const c of cases) {
      const generated = (c.generated as (v: unknown) => Buffer)(c.value);
      expect(generated.length, c.name).toBeGreaterThan(10);
      expect((c.pooled as (v: unknown) => Buffer)(c.value).equals(generated), c.name).toBe(true);
    }
  });

  it('times both variants every round and reports medians, spread and the ratio', () => {
    const lines: string[] = [];
    const result = runSerializers({ rounds: 2, durationMs: 10 }, 'npm run bench -- --serializers', (l) => lines.push(l));
    expect(lines).toHaveLength(2);
    expect(result.runs).toHaveLength(2 * 6 * 2);
    expect(new Set(result.runs.map((r) => r.variant))).toEqual(new Set(['generated', 'pooled']));
    for (const r of result.runs) {
      expect(r.count).toBeGreaterThan(0);
      expect(r.ns).toBeGreaterThan(0);
    }
    expect(result.summaries).toHaveLength(6);
    for (const s of result.summaries) {
      expect(s.generatedNs.n).toBe(2);
      expect(s.ratio.median).toBeCloseTo(s.ratio.min / 2 + s.ratio.max / 2, 6);
      const perRound = [1, 2].map((round) => {
        const ns = (v: string) => result.runs.find((r) => r.round === round && r.name === s.name && r.variant === v)!.ns;
        return ns('pooled') / ns('generated');
      });
      expect([s.ratio.min, s.ratio.max]).toEqual(perRound.sort((a, b) => a - b));
    }
    const md = serializersMarkdown(result);
    expect(md).toContain('| GetApi response | 205 |');
    expect(md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| message') && !l.startsWith('| ---'))).toHaveLength(6);
  });
});
