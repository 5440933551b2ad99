import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { readWindows } from '../../tools/bench/allocationSummary';
import type { BenchResult } from '../../tools/bench/benchResult';
import { instructionsPerRequest, type InstructionsResult } from '../../tools/bench/instructionsRun';

const ROOT = path.resolve(__dirname, '..', '..');

// The whole harness on a tiny configuration: bundles, bare and stack processes,
// the span sink, the generator process, both loops, the JSON and Markdown. No
// timing is asserted: this machine's speed is not what is under test.
describe('npm run bench on a tiny configuration', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures bare, its A/A control and the traced stack on one hop and writes JSON and Markdown', () => {
    const out = path.join(dir, 'result');
    const allocations = path.join(dir, 'allocations');
    const args = ['--paths', 'one-hop', '--configs', 'tracing-100pct,bare-control', '--rounds', '1', '--duration', '400ms', '--warmup', '100ms', '--allocations', allocations, '--pin', 'account=0,generator=0'];
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'tools/bench.ts', ...args, '--concurrency', '4', '--rates', 'one-hop=50', '--max-wait', '0', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Kept for the profiles' source maps: removed once read, whatever the outcome.
    const kept = /bundles kept in (\S+)/.exec(run.stdout ?? '')?.[1];
    if (kept) onTestFinished(() => rmSync(path.resolve(ROOT, kept), { recursive: true, force: true }));
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(kept, run.stdout).toBeDefined();

    const result = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as BenchResult;
    expect(result.settings.configs).toEqual(['bare', 'bare-control', 'tracing-100pct']);
    expect(result.runs.map((r) => r.config).sort()).toEqual(['bare', 'bare-control', 'tracing-100pct']);
    for (const r of result.runs) {
      expect(r.closed.report.requests.ok).toBeGreaterThan(0);
      expect(r.closed.report.requests.failed).toBe(0);
      expect(r.open.report.rateAsked).toBe(50);
      expect(r.closed.cost.rssMaxBytes.account).toBeGreaterThan(0);
      expect(Object.keys(r.closed.cost.serverCpuMs)).toEqual(['account']);
    }
    // Tracing really exports to the sink (at the latest when shutdown flushes the last batch); bare sends nothing.
    expect(result.sessions.find((s) => s.config === 'tracing-100pct')!.sink.bytes).toBeGreaterThan(0);
    expect(result.sessions.find((s) => s.config === 'bare')!.sink.bytes).toBe(0);
    expect(result.sessions.find((s) => s.config === 'bare-control')!.sink.bytes).toBe(0);

    const summary = result.summaries.find((s) => s.config === 'tracing-100pct')!;
    expect(summary.ratios?.throughput.median).toBeGreaterThan(0);
    expect(result.targets.find((t) => t.name === 'three-hop throughput, tracing 100 %')?.met).toBeUndefined();

    const markdown = readFileSync(`${out}.md`, 'utf8');
    expect(markdown).toContain('| full stack, tracing 100 % |');
    expect(markdown).toContain('× bare');
    expect(markdown).toContain('#### RSS under load (MiB)');
    // Each configuration's processes measured with no load before its paths: a figure per process, of an idle process (far below a core).
    for (const session of result.sessions) {
      expect(session.idleCpuMsPerSecond?.account, session.config).toBeGreaterThanOrEqual(0);
      expect(session.idleCpuMsPerSecond?.account, session.config).toBeLessThan(500);
    }
    // Pinned as asked, as /proc read back.
    for (const session of result.sessions) expect(session.cores, session.config).toEqual({ account: '0', generator: '0' });
    expect(markdown).toContain('Processes pinned to cores (all their threads): account 0, generator 0.');
    expect(result.idle?.map((i) => i.config)).toEqual(['bare', 'bare-control', 'tracing-100pct']);
    expect(markdown).toContain('#### Background CPU with no load (ms of CPU per second)');
    // The control is bare again: its ratios are the run's noise, and the table says so.
    const control = result.summaries.find((s) => s.config === 'bare-control')!;
    expect(control.ratios?.throughput.median).toBeGreaterThan(0);
    expect(markdown).toContain('| bare grpc-js again (A/A control) |');
    expect(markdown).toMatch(/A\/A control: the bare processes started again measured [\d.]+× bare's throughput/);

    // Allocations sampled in a run of their own, per session and process, attributed through the kept bundles' source maps.
    const windows = readWindows(allocations);
    expect(windows.map((w) => `${w.session} ${w.service} ${w.name}`).sort()).toEqual(['1-bare account one-hop', '1-bare-control account one-hop', '1-tracing-100pct account one-hop']);
    for (const w of windows) {
      // A served gRPC call allocates kilobytes (HTTP/2 stream, metadata, messages), not bytes and not megabytes.
      expect(w.allocations.bytesPerRequest).toBeGreaterThan(1_000);
      expect(w.allocations.bytesPerRequest).toBeLessThan(1_000_000);
      expect(w.allocations.byPackage.get('@grpc/grpc-js')).toBeGreaterThan(0);
      expect(w.allocations.byPackage.has('packages/runtime')).toBe(w.session === '1-tracing-100pct');
    }
  }, 90_000);

  it('counts instructions per request under callgrind, bare and stack, and writes JSON and Markdown', () => {
    const out = path.join(dir, 'instructions');
    const args = ['--instructions', '--quick', '--paths', 'one-hop', '--configs', 'resilience-off', '--out', out];
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'tools/bench.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 150_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const result = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as InstructionsResult;
    expect(result.machine.valgrind).toMatch(/^valgrind-\d/);
    expect(result.runs.map((r) => r.config).sort()).toEqual(['bare', 'resilience-off']);
    for (const r of result.runs) {
      expect(r.requests.completed, r.config).toBeGreaterThan(0);
      expect(r.requests.failed, r.config).toBe(0);
      expect(Object.keys(r.byService)).toEqual(['account']);
      // Serving one gRPC call executes hundreds of thousands to a few million instructions: not zero, not a whole start-up.
      const perRequest = instructionsPerRequest(r.byService.account!, r);
      expect(perRequest, r.config).toBeGreaterThan(0.05);
      expect(perRequest, r.config).toBeLessThan(50);
      // The compiler and the collector are parts of what the process executed, each read from the dump's functions.
      const { loaded, compiler, gc } = r.byService.account!;
      expect(compiler + gc, r.config).toBeLessThan(loaded);
      expect(compiler + gc, r.config).toBeGreaterThan(0);
    }
    const stack = result.summaries.find((s) => s.config === 'resilience-off')!;
    expect(stack.ratio?.median).toBeGreaterThan(0);
    // The dumps stay for callgrind_annotate: the idle step and the loaded window of each process.
    const dumps = readdirSync(path.join(`${out}.callgrind`, '1-resilience-off'));
    expect(dumps.filter((f) => /^account\.\d+\.callgrind\.[12]$/.test(f))).toHaveLength(2);
    // The map that names compiled JavaScript is kept beside the dumps, none left in /tmp.
    const perfMap = dumps.find((f) => /^account\.\d+\.perf\.map$/.test(f));
    expect(perfMap).toBeDefined();
    expect(existsSync(`/tmp/perf-${perfMap!.split('.')[1]}.map`)).toBe(false);
    // V8's log, which the map opens, beside the dumps too: none left in the repository.
    expect(dumps).toContain('account.v8.log');
    expect(readdirSync(ROOT).filter((f) => f.endsWith('-v8.log'))).toEqual([]);
    const summary = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'tools/bench/instructionsSummary.ts', `${out}.json`, '--functions', '3'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(summary.status, summary.stderr).toBe(0);
    expect(summary.stdout).toContain('### one gRPC hop: account GetOrganization: account, thousands of instructions per request');
    // Compiled JavaScript is named: grpc-js runs on every call, in both configurations.
    expect(summary.stdout).toMatch(/\| @grpc\/grpc-js \| [\d.]+ \| [\d.]+ \|/);
    expect(summary.stdout).toContain('the 3 functions that grew most over bare');
    // --render prints the same Markdown again from the JSON; a file that is no result is refused, not a crash.
    const rendered = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'tools/bench.ts', '--render', `${out}.json`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(rendered.status, rendered.stderr).toBe(0);
    expect(rendered.stdout.trim()).toBe(readFileSync(`${out}.md`, 'utf8').trim());
    const notResult = path.join(dir, 'not-a-result.json');
    writeFileSync(notResult, '{"hello": 1}');
    const refused = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'tools/bench.ts', '--render', notResult], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('is not a result of npm run bench');
    const markdown = readFileSync(`${out}.md`, 'utf8');
    expect(markdown).toContain('### Instructions per request (callgrind)');
    expect(markdown).toMatch(/\| stack, resilience off, no telemetry \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/);
    // Its row again under the compiler, the collector and the rest.
    expect(markdown).toContain('| configuration | optimizing compiler | garbage collection | the rest: account | the rest: all | × bare |');
    expect(markdown).toMatch(/\| stack, resilience off, no telemetry \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|\n/);
    expect(stack.rest.median).toBeGreaterThan(0);
  }, 160_000);

  it('stops with a clear error, and does not hang, when it cannot pin the generator', () => {
    // No taskset on PATH (an empty directory): pinning fails after the span sink started, which must not keep the bench alive.
    const noTools = mkdtempSync(path.join(tmpdir(), 'bench-no-taskset-'));
    onTestFinished(() => rmSync(noTools, { recursive: true, force: true }));
    const args = ['--paths', 'one-hop', '--configs', 'bare-control', '--rounds', '1', '--max-wait', '0', '--pin', 'generator=0', '--out', path.join(dir, 'unpinned')];
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'tools/bench.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: noTools },
      timeout: 30_000,
    });
    expect(run.signal, 'the bench hung').toBeNull();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(1);
    expect(run.stderr).toMatch(/could not pin process \d+ to cores 0 \(taskset from util-linux\)/);
  }, 40_000);
});
