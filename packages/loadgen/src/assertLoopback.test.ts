import { describe, expect, it } from 'vitest';
import { assertLoopback, NonLoopbackHostError } from './assertLoopback';

describe('assertLoopback', () => {
  it('accepts loopback addresses and maps localhost to 127.0.0.1 without a lookup', () => {
    expect(assertLoopback('127.0.0.1')).toBe('127.0.0.1');
    expect(assertLoopback('127.10.0.3')).toBe('127.10.0.3');
    expect(assertLoopback('::1')).toBe('::1');
    expect(assertLoopback('[::1]')).toBe('::1');
    expect(assertLoopback('LOCALHOST')).toBe('127.0.0.1');
  });

  it('refuses every other host with a clear error', () => {
    for (const host of ['10.0.0.1', '0.0.0.0', '::', '192.168.1.10', 'example.com', 'localhost.example.com', '::ffff:10.0.0.1']) {
      expect(() => assertLoopback(host)).toThrow(NonLoopbackHostError);
    }
    expect(() => assertLoopback('example.com')).toThrow(/only sent to loopback.*refusing host "example.com"/);
  });
});
