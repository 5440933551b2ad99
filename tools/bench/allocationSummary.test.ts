import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allocationTables, readWindows, summarizeAllocations, type HeapProfile, type Window } from './allocationSummary';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });

// root → grpc-js call (1000 B) → node http2 request (3000 B); root → a native built-in (500 B) with nothing of its own
const PROFILE: HeapProfile = {
  head: {
    callFrame: frame('(root)', ''),
    selfSize: 0,
    children: [
      {
        callFrame: frame('makeUnaryRequest', 'file:///x/node_modules/@grpc/grpc-js/build/src/client.js', 123),
        selfSize: 1000,
        children: [{ callFrame: frame('request', 'node:internal/http2/core', 1765), selfSize: 3000 }],
      },
      { callFrame: frame('structuredClone', ''), selfSize: 500 },
      { callFrame: frame('request', 'node:internal/http2/core', 1765), selfSize: 1000 },
    ],
  },
};

describe('allocation summary', () => {
  it('divides what was allocated by the requests, by package and by function', () => {
    const s = summarizeAllocations(PROFILE, 10);
    expect(s.bytesPerRequest).toBe(550);
    expect(Object.fromEntries(s.byPackage)).toEqual({ '@grpc/grpc-js': 100, node: 400, '(native)': 50 });
    expect(s.byFunction.get('request node:internal/http2/core')).toBe(400);
    expect(s.byFunction.get('makeUnaryRequest @grpc/grpc-js/build/src/client.js:124')).toBe(100);
  });

  it('refuses a window without requests rather than dividing by zero', () => {
    expect(() => summarizeAllocations(PROFILE, 0)).toThrow(/no requests/);
  });

  it('skips a window without requests and reads the others', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alloc-'));
    try {
      for (const [session, requests] of [['1-bare', 10], ['2-bare', 0]] as const) {
        mkdirSync(path.join(dir, session));
        writeFileSync(path.join(dir, session, 'one-hop.json'), JSON.stringify({ requests }));
        writeFileSync(path.join(dir, session, 'account-one-hop.heapprofile'), JSON.stringify(PROFILE));
      }
      const skipped: string[] = [];
      const windows = readWindows(dir, skipped);
      expect(windows.map((w) => [w.session, w.service, w.name, w.allocations.bytesPerRequest])).toEqual([['1-bare', 'account', 'one-hop', 550]]);
      expect(skipped).toEqual(['2-bare/one-hop: 0 requests completed']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts the sessions side by side for each path and process', () => {
    const w = (session: string, requests: number): Window => ({ session, name: 'one-hop', service: 'account', allocations: summarizeAllocations(PROFILE, requests) });
    const md = allocationTables([w('10-bare', 1), w('1-metrics', 2), w('2-bare', 1)]);
    expect(md).toContain('### one-hop: KiB allocated per request');
    expect(md).toContain('| process | 1-metrics | 2-bare | 10-bare |');
    expect(md).toContain('| account | 2.7 | 5.4 | 5.4 |');
    expect(md).toContain('| node | 2.0 | 3.9 | 3.9 |');
  });
});
