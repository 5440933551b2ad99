import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callersPerRequest, dumpPerRequest, instructionOrigin, readPerfMap, resolveFunction } from './instructionsSummary';

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
