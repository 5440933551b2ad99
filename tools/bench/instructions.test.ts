import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callgrindParts, instructionPart, readCallgrind } from './instructions';
import { instructionsMarkdown, instructionsPerRequest, summarizeInstructions, type InstructionsResult, type InstructionsRun } from './instructionsRun';

const dir = mkdtempSync(path.join(tmpdir(), 'callgrind-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A dump as callgrind 3.19 writes it: names compressed to `(id)` after their
// first use, which can be in `cfn=`; after `calls=`, the call's inclusive cost.
const DUMP = `# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 1
cmd:  node
part: 2

positions: line
events: Ir
summary: 1390

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) uv__io_poll
0 100
cfl=(1)
cfn=(2) v8::internal::compiler::GraphReducer::ReduceTop()
calls=3 0
0 1000
+2 10

fn=(2)
0 700
cfn=(3) void v8::internal::MarkingVisitorBase<v8::internal::ConcurrentMarkingVisitor, v8::internal::ConcurrentMarkingState>::ProcessStrongHeapObject()
calls=1 0
* 200
fn=(3)
-1 150
+1 50

fn=(4) 0x000000000d130780
0 400

totals: 1410
`;

describe('callgrind dumps', () => {
  it('splits a dump by function into the optimizing compiler, the garbage collector and the rest', () => {
    const dump = path.join(dir, 'account.1.callgrind.2');
    writeFileSync(dump, DUMP);
    // The costs after calls= (1000, 200) are the callees' own, counted under them.
    expect(callgrindParts(dump)).toEqual({ total: 1410, compiler: 700, gc: 200 });
  });

  it('reads every call: caller, callee, how many times, and what the calls executed', () => {
    const dump = path.join(dir, 'calls.1.callgrind.1');
    // The same call written twice (as callgrind does for calls from two lines of one function) adds up.
    writeFileSync(dump, DUMP.replace('fn=(4) 0x000000000d130780\n0 400', 'fn=(4) 0x000000000d130780\n0 400\ncfn=(2)\ncalls=2 0\n0 5\ncfn=(2)\ncalls=1 0\n0 3'));
    expect(readCallgrind(dump).calls).toEqual([]);
    const { total, calls } = readCallgrind(dump, { calls: true });
    expect(total).toBe(1410);
    expect(calls).toEqual([
      { caller: 'uv__io_poll', callee: 'v8::internal::compiler::GraphReducer::ReduceTop()', calls: 3, inclusive: 1000 },
      {
        caller: 'v8::internal::compiler::GraphReducer::ReduceTop()',
        callee: 'void v8::internal::MarkingVisitorBase<v8::internal::ConcurrentMarkingVisitor, v8::internal::ConcurrentMarkingState>::ProcessStrongHeapObject()',
        calls: 1,
        inclusive: 200,
      },
      { caller: '0x000000000d130780', callee: 'v8::internal::compiler::GraphReducer::ReduceTop()', calls: 3, inclusive: 8 },
    ]);
  });

  it('refuses a file that is not a whole dump, and a dump whose functions do not add up', () => {
    const other = path.join(dir, 'not-a-dump');
    writeFileSync(other, 'hello\n');
    expect(() => callgrindParts(other)).toThrow(/no totals line/);
    const short = path.join(dir, 'short');
    writeFileSync(short, DUMP.replace('totals: 1410', 'totals: 1411'));
    expect(() => callgrindParts(short)).toThrow(/add up to 1410, the dump's totals say 1411/);
    const unnamed = path.join(dir, 'unnamed');
    writeFileSync(unnamed, DUMP.replace('cfn=(2) v8::internal::compiler::GraphReducer::ReduceTop()', 'cfn=(2)'));
    expect(() => callgrindParts(unnamed)).toThrow(/function \(2\) used before it is named/);
  });

  it('names the parts by V8 function names', () => {
    expect(instructionPart('v8::internal::compiler::Scheduler::ScheduleLate()')).toBe('compiler');
    expect(instructionPart('v8::internal::Sweeper::RawSweep(v8::internal::Page*)')).toBe('gc');
    expect(instructionPart('v8::internal::Heap::Scavenge()')).toBe('gc');
    expect(instructionPart('v8::internal::ScavengerCollector::CollectGarbage()')).toBe('gc');
    expect(instructionPart('v8::internal::ConcurrentMarking::RunMajor(v8::JobDelegate*)')).toBe('gc');
    expect(instructionPart('v8::internal::JSObject::MigrateToMap(v8::internal::Isolate*)')).toBe('rest');
    expect(instructionPart('Builtins_LoadIC')).toBe('rest');
    expect(instructionPart('node::http2::Http2Session::OnStreamRead(long, uv_buf_t const&)')).toBe('rest');
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
    account: { idlePerSecond: 0, loaded: 1e9, compiler: 0, gc: 0, dump: '' },
    profile: { idlePerSecond: 0, loaded: 1e9, compiler: 0, gc: 0, dump: '' },
    // The background rate over the 50 s of load is not the requests'.
    registry: { idlePerSecond, loaded: registry * 1e9 + idlePerSecond * 50, compiler: 0.5e9, gc: 0.25e9 * round, dump: '' },
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
    // Registry: 0.5 M per request in the compiler, 0.25 M (round 1) and 0.5 M (round 2) collecting.
    expect(metrics!.compiler.median).toBeCloseTo(0.5, 9);
    expect(metrics!.gc).toMatchObject({ min: 0.25, max: 0.5 });
    // The rest: 5 − 0.5 − 0.25 and 5 − 0.5 − 0.5; bare's: 4 − 0.75 and 5 − 1.
    expect(metrics!.rest).toMatchObject({ min: 4, max: 4.25 });
    expect(metrics!.restRatio!.min).toBeCloseTo(1, 9);
    expect(metrics!.restRatio!.max).toBeCloseTo(4.25 / 3.25, 9);

    const result: InstructionsResult = {
      startedAt: '',
      finishedAt: '',
      command: 'npm run bench -- --instructions',
      machine: { cpus: 2, cpuModel: 'cpu', node: 'v20', os: 'Linux', memoryGiB: 24, valgrind: 'valgrind-3.19.0' },
      settings: { rounds: 2, warmupMs: 60_000, durationMs: 50_000, idleMs: 5_000, paths: ['three-hop'], configs: ['bare', 'metrics'], nodeFlags: ['--no-memory-reducer'] },
      runs,
      summaries: [bare!, metrics!],
      dumps: 'bench/results/latest.callgrind',
    };
    const markdown = instructionsMarkdown(result);
    expect(markdown).toContain('Node ran with `--no-memory-reducer` under callgrind.');
    expect(markdown).toContain('Dumps: `bench/results/latest.callgrind`. By origin and function');
    expect(markdown).toContain('| configuration | account | profile | registry | all processes | × bare | with no load (M instructions/s) |');
    expect(markdown).toContain('| stack, resilience + metrics | 1.000 (1.000–1.000) | 1.000 (1.000–1.000) | 3.000 (3.000–3.000) | 5.000 (5.000–5.000) | 1.13 (1.00–1.25) | 20.00 (0.00–40.00) |');
    expect(metrics!.restPerRequest.registry).toMatchObject({ min: 2, max: 2.25 });
    expect(metrics!.restPerRequest.account!.median).toBeCloseTo(1, 9);
    expect(markdown).toContain('| configuration | optimizing compiler | garbage collection | the rest: account | the rest: profile | the rest: registry | the rest: all | × bare |');
    expect(markdown).toContain(
      '| stack, resilience + metrics | 0.500 (0.500–0.500) | 0.375 (0.250–0.500) | 1.000 (1.000–1.000) | 1.000 (1.000–1.000) | 2.125 (2.000–2.250) | 4.125 (4.000–4.250) | 1.15 (1.00–1.31) |',
    );
  });
});
