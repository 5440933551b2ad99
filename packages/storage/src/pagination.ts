import { Errors } from '@govrnanza/runtime';

/** Page size when the request sets none. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page size served; larger requests are capped. */
export const MAX_PAGE_SIZE = 100;

/** The page size to serve: 0 → default, capped at MAX_PAGE_SIZE. */
export function pageSize(requested: number): number {
  if (requested === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(requested, MAX_PAGE_SIZE);
}

/**
 * Page tokens are opaque to clients: the store cursor plus the list they
 * belong to, base64url-encoded, so a token cannot be replayed on another list.
 */
export function encodePageToken(scope: string, cursor: string | undefined): string {
  return cursor === undefined ? '' : Buffer.from(JSON.stringify({ v: 1, s: scope, c: cursor })).toString('base64url');
}

/** The cursor in `token` (undefined for the first page); INVALID_ARGUMENT when it is not ours. */
export function decodePageToken(scope: string, token: string): string | undefined {
  if (token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; s?: unknown; c?: unknown };
    if (parsed.v === 1 && parsed.s === scope && typeof parsed.c === 'string' && /^\d+$/.test(parsed.c)) return parsed.c;
  } catch {
    // fall through
  }
  throw Errors.invalidArgument('page_token', 'not a token from a previous page of this list');
}
