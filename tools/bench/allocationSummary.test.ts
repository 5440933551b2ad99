import { describe, expect, it } from 'vitest';
import { allocationTables, summarizeAllocations, type HeapProfile, type Window } from './allocationSummary';

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

  it('puts the sessions side by side for each path and process', () => {
    const w = (session: string, requests: number): Window => ({ session, name: 'one-hop', service: 'account', allocations: summarizeAllocations(PROFILE, requests) });
    const md = allocationTables([w('1-bare', 1), w('1-metrics', 2)]);
    expect(md).toContain('### one-hop: KiB allocated per request');
    expect(md).toContain('| process | 1-bare | 1-metrics |');
    expect(md).toContain('| account | 5.4 | 2.7 |');
    expect(md).toContain('| node | 3.9 | 2.0 |');
  });
});
