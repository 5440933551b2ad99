import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InstructionsResult } from './instructionsRun';
import { callersPerRequest, comparableName, compareTables, dumpPerRequest, instructionOrigin, readPerfMap, resolveFunction } from './instructionsSummary';

const dir = mkdtempSync(path.join(tmpdir(), 'instructions-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// As `node --perf-basic-prof` writes it: start, size (hex), name; not sorted.
const MAP = [
  'd130780 200 JS:*fromHttp2Headers /app/node_modules/@grpc/grpc-js/build/src/metadata.js:228:28',
  'd128140 40 JS:^processImmediate node:internal/timers:438:28',
  'd12c800 100 JS:~handler /app/bench/.artifacts/bundles-1234/account.js:11784:7',
  'd14bd00 80 RegExp:^[\\w.-]{1,128}$',
  '',
].join('\n');

describe('perf maps', () => {
  const map = readPerfMap(MAP);

  it('names an address inside a piece of code, and leaves one outside every piece as it is', () => {
    expect(resolveFunction('0x000000000d130780', map)).toMatch(/^JS:\*fromHttp2Headers /);
    expect(resolveFunction('0x000000000d13097f', map)).toMatch(/^JS:\*fromHttp2Headers /);
    // One past the end of fromHttp2Headers (0xd130780 + 0x200).
    expect(resolveFunction('0x000000000d130980', map)).toBe('0x000000000d130980');
    expect(resolveFunction('0x000000000d000000', map)).toBe('0x000000000d000000');
    expect(resolveFunction('Builtins_LoadIC', map)).toBe('Builtins_LoadIC');
    expect(resolveFunction('0x000000000d130780', undefined)).toBe('0x000000000d130780');
  });

  it('puts every function under its origin', () => {
    expect(instructionOrigin('JS:*fromHttp2Headers /app/node_modules/@grpc/grpc-js/build/src/metadata.js:228:28')).toBe('@grpc/grpc-js');
    expect(instructionOrigin('JS:^processImmediate node:internal/timers:438:28')).toBe("Node's JavaScript");
    expect(instructionOrigin('JS:~handler /app/bench/.artifacts/bundles-1234/account.js:11784:7')).toBe('bundled code of this repository');
    expect(instructionOrigin('RegExp:^[a-z]+$')).toBe('regular expressions (compiled)');
    expect(instructionOrigin('Builtins_KeyedLoadIC_Megamorphic')).toBe('V8 builtins (property access, calls, interpreter)');
    expect(instructionOrigin('v8::internal::compiler::GraphReducer::ReduceTop()')).toBe('V8 optimizing compiler');
    expect(instructionOrigin('v8::internal::Scavenger::ScavengePage(v8::internal::MemoryChunk*)')).toBe('V8 garbage collector');
    expect(instructionOrigin('v8::internal::JSObject::MigrateToMap(v8::internal::Isolate*)')).toBe('V8 runtime');
    expect(instructionOrigin('nghttp2_hd_huff_decode')).toBe('nghttp2');
    expect(instructionOrigin('node::http2::Http2Session::OnStreamRead(long, uv_buf_t const&)')).toBe("Node's C++");
    expect(instructionOrigin('uv__io_poll')).toBe('libuv');
    expect(instructionOrigin('_int_malloc')).toBe('C library');
    expect(instructionOrigin('0x000000000d000000')).toBe('compiled code (not in the map)');
  });

  it('divides a dump by origin and function, per request, compiled code named through the map', () => {
    const dump = path.join(dir, 'account.1.callgrind.2');
    writeFileSync(
      dump,
      [
        'version: 1',
        'events: Ir',
        'fn=(1) 0x000000000d130790',
        '0 6000',
        'cfn=(2) Builtins_LoadIC',
        'calls=2 0',
        '0 400',
        'fn=(2)',
        '0 400',
        'fn=(3) 0x000000000d12c810',
        '0 2000',
        'fn=(4) 0x000000000d130800',
        '0 1000',
        'totals: 9400',
        '',
      ].join('\n'),
    );
    const { byOrigin, byFunction } = dumpPerRequest(dump, readPerfMap(MAP), 2);
    // Thousands of instructions per request over 2 requests; the two addresses in fromHttp2Headers are one function.
    expect(byFunction.get('JS:*fromHttp2Headers /app/node_modules/@grpc/grpc-js/build/src/metadata.js:228:28')).toBeCloseTo(3.5, 9);
    expect(byOrigin.get('@grpc/grpc-js')).toBeCloseTo(3.5, 9);
    expect(byOrigin.get('bundled code of this repository')).toBeCloseTo(1, 9);
    expect(byOrigin.get('V8 builtins (property access, calls, interpreter)')).toBeCloseTo(0.2, 9);
    expect([...byOrigin.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(4.7, 9);
  });

  it('lists who calls a function, per request, callers named through the map and merged by name', () => {
    const dump = path.join(dir, 'registry.1.callgrind.3');
    writeFileSync(
      dump,
      [
        'version: 1',
        'events: Ir',
        'fn=(1) 0x000000000d130790',
        '0 600',
        'cfn=(2) Builtins_LoadIC',
        'calls=6 0',
        '0 300',
        'cfn=(3) Builtins_KeyedLoadIC_Megamorphic',
        'calls=1 0',
        '0 90',
        'fn=(4) 0x000000000d130800',
        '0 100',
        'cfn=(2)',
        'calls=2 0',
        '0 100',
        'fn=(5) 0x000000000d12c810',
        '0 50',
        'cfn=(2)',
        'calls=4 0',
        '0 200',
        'fn=(2)',
        '0 600',
        'fn=(3)',
        '0 90',
        'totals: 1440',
        '',
      ].join('\n'),
    );
    const callers = callersPerRequest(dump, readPerfMap(MAP), 2, /^Builtins_LoadIC$/);
    expect(callers).toEqual(
      new Map([
        // Two addresses in fromHttp2Headers: one caller, 8 calls over 2 requests.
        ['JS:*fromHttp2Headers /app/node_modules/@grpc/grpc-js/build/src/metadata.js:228:28', { calls: 4, k: 0.2 }],
        ['JS:~handler /app/bench/.artifacts/bundles-1234/account.js:11784:7', { calls: 2, k: 0.1 }],
      ]),
    );
    expect(callersPerRequest(dump, readPerfMap(MAP), 1, /Megamorphic/).get('JS:*fromHttp2Headers /app/node_modules/@grpc/grpc-js/build/src/metadata.js:228:28')).toEqual({ calls: 1, k: 0.09 });
  });
});

describe('two results compared', () => {
  it('names a function the same in two builds: no tier, and for bundled code no folder, line or column', () => {
    expect(comparableName('JS:*encode /app/bench/.artifacts/bundles-1234/registry.js:6261:9')).toBe('JS:encode (bundled registry.js)');
    expect(comparableName('JS:^encode /app/bench/.artifacts/bundles-98/registry.js:5344:9')).toBe('JS:encode (bundled registry.js)');
    expect(comparableName('JS:~fromHttp2Headers /app/node_modules/@grpc/grpc-js/build/src/metadata.js:228:28')).toBe(
      'JS:fromHttp2Headers /app/node_modules/@grpc/grpc-js/build/src/metadata.js:228:28',
    );
    expect(comparableName('Builtins_LoadIC')).toBe('Builtins_LoadIC');
  });

  /** A result of one run of registry on three-hop whose dump holds `functions` (self cost, total instructions over 2 requests). */
  function result(name: string, functions: [string, number][]): { result: InstructionsResult; dumps: string } {
    const dumps = path.join(dir, `${name}.callgrind`);
    mkdirSync(path.join(dumps, '1-tracing-1pct'), { recursive: true });
    const lines = ['version: 1', 'events: Ir'];
    functions.forEach(([fn, n], i) => lines.push(`fn=(${i + 1}) ${fn}`, `0 ${n}`));
    lines.push(`totals: ${functions.reduce((sum, [, n]) => sum + n, 0)}`, '');
    writeFileSync(path.join(dumps, '1-tracing-1pct', 'registry.7.callgrind.2'), lines.join('\n'));
    const run = {
      round: 1,
      config: 'tracing-1pct' as const,
      path: 'three-hop' as const,
      requests: { completed: 2, failed: 0 },
      idleMs: 1000,
      wallMs: 1000,
      byService: { registry: { idlePerSecond: 0, loaded: 0, compiler: 0, gc: 0, dump: '1-tracing-1pct/registry.7.callgrind.2' } },
    };
    const settings = { rounds: 1, warmupMs: 0, durationMs: 1000, idleMs: 1000, paths: ['three-hop' as const], configs: ['tracing-1pct' as const], nodeFlags: [] };
    return { result: { runs: [run], settings, dumps } as unknown as InstructionsResult, dumps };
  }

  it('gives the rest, the compiler and the collector before and after, and the functions of the rest that changed most', () => {
    const before = result('before', [
      ['Builtins_LoadIC', 30_000],
      ['0x000000000d12c810', 4_000],
      ['v8::internal::compiler::GraphReducer::ReduceTop()', 10_000],
      ['v8::internal::Scavenger::ScavengePage(v8::internal::MemoryChunk*)', 2_000],
    ]);
    const after = result('after', [
      ['Builtins_LoadIC', 20_000],
      ['RegExp:^[0-9a-f]{32}$', 1_000],
      ['v8::internal::compiler::GraphReducer::ReduceTop()', 2_000],
      ['v8::internal::Scavenger::ScavengePage(v8::internal::MemoryChunk*)', 2_000],
    ]);
    const md = compareTables(after, before, 3);
    expect(md).toContain('registry, full stack, tracing 1 %');
    // Per request over 2 requests, in thousands: the rest 17 → 10.5, the compiler 5 → 1, the collector 1 → 1.
    expect(md).toContain('| the rest | 17.0 | 10.5 | -6.5 |');
    expect(md).toContain('| optimizing compiler | 5.0 | 1.0 | -4.0 |');
    expect(md).toContain('| garbage collector | 1.0 | 1.0 | +0.0 |');
    const listed = md.split('\n').filter((l) => l.startsWith('- '));
    // The compiler's function is in its part, not in the list; the address without a map stays an address.
    expect(listed).toEqual(['- -5.0 (15.0 → 10.0) Builtins_LoadIC', '- -2.0 (2.0 → 0.0) 0x000000000d12c810', '- +0.5 (0.0 → 0.5) RegExp:^[0-9a-f]{32}$']);
  });

  it('says so when the two results share nothing', () => {
    const a = result('a', [['Builtins_LoadIC', 10]]);
    const b = result('b', [['Builtins_LoadIC', 10]]);
    b.result.settings.paths = ['one-hop'];
    expect(compareTables(a, b)).toBe('the two results share no path, configuration and process');
  });
});

