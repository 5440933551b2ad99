import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { SyncContextManager } from './syncContextManager';

const KEY = createContextKey('test');
const withValue = (v: string) => ROOT_CONTEXT.setValue(KEY, v);

describe('SyncContextManager', () => {
  it('makes a context active for the synchronous extent of `with`, nested, and restores the previous one', () => {
    const m = new SyncContextManager();
    expect(m.active()).toBe(ROOT_CONTEXT);
    const seen = m.with(withValue('outer'), () => {
      const inner = m.with(withValue('inner'), () => m.active().getValue(KEY));
      return [inner, m.active().getValue(KEY)];
    });
    expect(seen).toEqual(['inner', 'outer']);
    expect(m.active()).toBe(ROOT_CONTEXT);
  });

  it('restores the previous context when the function throws', () => {
    const m = new SyncContextManager();
    expect(() => m.with(withValue('x'), () => { throw new Error('boom'); })).toThrow('boom');
    expect(m.active()).toBe(ROOT_CONTEXT);
  });

  it('does not follow an await', async () => {
    const m = new SyncContextManager();
    const after = await m.with(withValue('x'), async () => {
      await Promise.resolve();
      return m.active().getValue(KEY);
    });
    expect(after).toBeUndefined();
  });

  it('binds a function to a context, with its receiver and arguments; leaves other values alone', () => {
    const m = new SyncContextManager();
    const target = { n: 2, times(this: { n: number }, k: number) { return [this.n * k, m.active().getValue(KEY)]; } };
    const bound = m.bind(withValue('bound'), target.times);
    expect(bound.call(target, 3)).toEqual([6, 'bound']);
    const obj = { a: 1 };
    expect(m.bind(withValue('x'), obj)).toBe(obj);
  });
});
