import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callgrindInstructions } from './instructions';
import { instructionsMarkdown, instructionsPerRequest, summarizeInstructions, type InstructionsResult, type InstructionsRun } from './instructionsRun';

const dir = mkdtempSync(path.join(tmpdir(), 'callgrind-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('callgrind dumps', () => {
  it('reads the instruction total of a dump and refuses a file without one', () => {
    const dump = path.join(dir, 'account.1.callgrind.1');
    writeFileSync(dump, 'version: 1\ncreator: callgrind-3.19.0\npid: 1\ncmd: node\npart: 1\n\nevents: Ir\n\nfl=(1) x\nfn=(1) f\n0 10\n\nsummary: 123456789\n\n\ntotals: 123456789\n');
    expect(callgrindInstructions(dump)).toBe(123_456_789);
    const other = path.join(dir, 'not-a-dump');
    writeFileSync(other, 'hello\n');
    expect(() => callgrindInstructions(other)).toThrow(/no instruction total/);
  });
});

const run = (config: InstructionsRun['config'], round: number, registry: number, idlePerSecond = 0): InstructionsRun => ({
  round,
  config,
  path: 'three-hop',
  requests: { completed: 1000, failed: 0 },
  idleMs: 5_000,
  wallMs: 50_000,
  byService: {
    account: { idlePerSecond: 0, loaded: 1e9 },
    profile: { idlePerSecond: 0, loaded: 1e9 },
    // The background rate over the 50 s of load is not the requests'.
    registry: { idlePerSecond, loaded: registry * 1e9 + idlePerSecond * 50 },
  },
});

describe('instructions per request', () => {
  it('takes out what the process executes with no load in as long a time', () => {
    const r = run('metrics', 1, 3, 2e7);
    expect(instructionsPerRequest(r.byService.registry!, r)).toBeCloseTo(3, 9);
    expect(instructionsPerRequest({ ...r.byService.registry!, idlePerSecond: 0 }, r)).toBeCloseTo(4, 9);
    expect(instructionsPerRequest(r.byService.registry!, { ...r, requests: { completed: 0, failed: 3 } })).toBeNaN();
  });

  it('sums the path and divides by bare of the same round', () => {
    const runs = [run('bare', 1, 2), run('metrics', 1, 3, 4e7), run('bare', 2, 3), run('metrics', 2, 3)];
    const [bare, metrics] = summarizeInstructions(runs, ['bare', 'metrics'], ['three-hop']);
    expect(bare!.total).toMatchObject({ median: 4.5, min: 4, max: 5, n: 2 });
    expect(bare!.ratio!.median).toBe(1);
    // Round 1: 5 ÷ 4; round 2: 5 ÷ 5.
    expect(metrics!.ratio).toMatchObject({ min: 1, max: 1.25, n: 2 });
    expect(metrics!.perRequest.registry!.median).toBeCloseTo(3, 9);
    // 40 M/s with no load in round 1, none in round 2.
    expect(metrics!.idlePerSecond).toMatchObject({ min: 0, max: 40 });

    const result: InstructionsResult = {
      startedAt: '',
      finishedAt: '',
      command: 'npm run bench -- --instructions',
      machine: { cpus: 2, cpuModel: 'cpu', node: 'v20', os: 'Linux', memoryGiB: 24, valgrind: 'valgrind-3.19.0' },
      settings: { rounds: 2, warmupMs: 60_000, durationMs: 50_000, idleMs: 5_000, paths: ['three-hop'], configs: ['bare', 'metrics'] },
      runs,
      summaries: [bare!, metrics!],
      dumps: 'bench/results/latest.callgrind',
    };
    const markdown = instructionsMarkdown(result);
    expect(markdown).toContain('| configuration | account | profile | registry | all processes | × bare | with no load (M instructions/s) |');
    expect(markdown).toContain('| stack, resilience + metrics | 1.000 (1.000–1.000) | 1.000 (1.000–1.000) | 3.000 (3.000–3.000) | 5.000 (5.000–5.000) | 1.13 (1.00–1.25) | 20.00 (0.00–40.00) |');
  });
});
