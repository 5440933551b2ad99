import { describe, expect, it, vi } from 'vitest';
import { CancellationSource, cancellationOf, NEVER_CANCELLED } from './cancellation';

describe('CancellationSource', () => {
  it('calls its listeners once, in order, with the reason; a removed listener is not called', () => {
    const source = new CancellationSource();
    const heard: string[] = [];
    source.onAbort((r) => heard.push(`a:${String(r)}`));
    const stop = source.onAbort((r) => heard.push(`b:${String(r)}`));
    source.onAbort((r) => heard.push(`c:${String(r)}`));
    stop();
    stop();
    expect(source.aborted).toBe(false);
    expect(source.reason).toBeUndefined();
    source.abort('first');
    source.abort('second');
    expect(heard).toEqual(['a:first', 'c:first']);
    expect(source.aborted).toBe(true);
    expect(source.reason).toBe('first');
  });

  it('runs every listener even when one throws, and reports that error as uncaught, not to whoever aborted', () => {
    const reported: (() => void)[] = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((fn) => void reported.push(fn));
    try {
      const source = new CancellationSource();
      const heard: string[] = [];
      source.onAbort(() => {
        throw new Error('listener failed');
      });
      source.onAbort(() => heard.push('second'));
      expect(() => source.abort('x')).not.toThrow();
      expect(heard).toEqual(['second']);
      expect(reported).toHaveLength(1);
      expect(() => reported[0]!()).toThrow('listener failed');
    } finally {
      spy.mockRestore();
    }
  });

  it('calls a listener added after the abort at once', () => {
    const source = new CancellationSource();
    source.abort('done');
    const heard: unknown[] = [];
    const stop = source.onAbort((r) => heard.push(r));
    expect(heard).toEqual(['done']);
    expect(() => stop()).not.toThrow();
  });

  it('starts watching on first interest only, once, and an abort from the watcher reaches later listeners', () => {
    let watched = 0;
    const source = new CancellationSource((s) => {
      watched++;
      s.abort('already gone');
    });
    expect(watched).toBe(0);
    const heard: unknown[] = [];
    source.onAbort((r) => heard.push(r));
    expect(source.aborted).toBe(true);
    expect(watched).toBe(1);
    expect(heard).toEqual(['already gone']);
  });

  it('makes its AbortSignal on first use, aborted with the same reason before or after', () => {
    const early = new CancellationSource();
    const signal = early.signal;
    expect(early.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    early.abort('x');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('x');
    const late = new CancellationSource();
    late.abort('y');
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe('y');
  });
});

describe('cancellationOf', () => {
  it('follows an AbortSignal; a removed listener is not called', () => {
    const controller = new AbortController();
    const c = cancellationOf(controller.signal);
    const heard: unknown[] = [];
    c.onAbort((r) => heard.push(`kept:${String(r)}`));
    c.onAbort((r) => heard.push(`removed:${String(r)}`))();
    expect(c.reason).toBeUndefined();
    controller.abort('z');
    expect(c.aborted).toBe(true);
    expect(c.reason).toBe('z');
    expect(heard).toEqual(['kept:z']);
    c.onAbort((r) => heard.push(`late:${String(r)}`));
    expect(heard).toEqual(['kept:z', 'late:z']);
  });

  it('NEVER_CANCELLED never aborts and keeps no listener, however many ask', () => {
    let heard = 0;
    for (let i = 0; i < 100; i++) NEVER_CANCELLED.onAbort(() => heard++)();
    expect(heard).toBe(0);
    expect(NEVER_CANCELLED.aborted).toBe(false);
    expect(NEVER_CANCELLED.signal.aborted).toBe(false);
  });
});
