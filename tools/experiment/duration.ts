const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/**
 * A duration written as `500ms`, `20s`, `1.5s` or `2m`, or a bare number of
 * milliseconds, in ms.
 * @throws Error naming what was given when it is neither.
 */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(value);
    if (m) return Number(m[1]) * UNITS_MS[m[2]!]!;
  }
  throw new Error(`expected a duration such as 500ms, 20s or 2m (or a number of ms), got ${JSON.stringify(value)}`);
}

/** A duration in ms, short and readable: `850 ms`, `20 s`, `1.5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trim(ms / 1000)} s`;
  return `${trim(ms / 60_000)} min`;
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}
