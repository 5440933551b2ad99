import { describe, expect, it, vi } from 'vitest';
import { ChildCache } from './childCache';

describe('ChildCache', () => {
  it('creates one child per tuple and returns it afterwards', () => {
    const create = vi.fn((a: string, b: number, c: null) => ({ a, b, c }));
    const cache = new ChildCache(create);
    const first = cache.get('x', 1, null);
    expect(cache.get('x', 1, null)).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
    expect(first).toEqual({ a: 'x', b: 1, c: null });
  });

  it('keeps tuples that differ in any position apart', () => {
    const cache = new ChildCache((a: string, b: string, c: string) => `${a}|${b}|${c}`);
    expect(cache.get('a', 'b', 'c')).toBe('a|b|c');
    expect(cache.get('a', 'b', 'd')).toBe('a|b|d');
    expect(cache.get('a', 'x', 'c')).toBe('a|x|c');
    expect(cache.get('y', 'b', 'c')).toBe('y|b|c');
  });

  it('keys by object identity when given objects', () => {
    const key1 = { name: 'm' };
    const key2 = { name: 'm' };
    const cache = new ChildCache((k: { name: string }) => ({ k }));
    expect(cache.get(key1, null, null)).not.toBe(cache.get(key2, null, null));
  });
});
