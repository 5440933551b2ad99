/** A Markdown table; cells are escaped for pipes, and numbers right-aligned where `align` says so. */
export function mdTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const sep = headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [headers, sep, ...rows].map((r) => `| ${r.map((c, i) => (i < headers.length && r !== sep ? cell(c) : c)).join(' | ')} |`).join('\n');
}

/** A signed relative error as a percentage ('+12 %', '−3.4 %'), or 'n/a'. */
export function relativeError(err: number | null): string {
  if (err === null || !Number.isFinite(err)) return 'n/a';
  const pct = err * 100;
  const digits = Math.abs(pct) >= 10 ? 0 : Math.abs(pct) >= 1 ? 1 : 2;
  const text = Math.abs(pct).toFixed(digits);
  if (Number(text) === 0) return '0 %';
  return `${pct > 0 ? '+' : '−'}${text} %`;
}

/** Milliseconds for a table: 3 significant figures at most. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
