import { describe, expect, it } from 'vitest';
import { decodePageToken, DEFAULT_PAGE_SIZE, encodePageToken, MAX_PAGE_SIZE, pageSize } from './pagination';

describe('pagination', () => {
  it('defaults and caps the page size', () => {
    expect(pageSize(0)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSize(5)).toBe(5);
    expect(pageSize(10_000)).toBe(MAX_PAGE_SIZE);
  });

  it('round-trips a cursor and refuses tokens of another list or garbage', () => {
    const token = encodePageToken('apis:org_1', '42');
    expect(token).not.toContain('42');
    expect(decodePageToken('apis:org_1', token)).toBe('42');
    expect(decodePageToken('apis:org_1', '')).toBeUndefined();
    expect(encodePageToken('apis:org_1', undefined)).toBe('');
    expect(() => decodePageToken('apis:org_2', token)).toThrow(/page_token/);
    expect(() => decodePageToken('apis:org_1', 'garbage')).toThrow(/page_token/);
  });
});
