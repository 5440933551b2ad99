/**
 * Pulls the metric names out of a PromQL expression, without a full parser:
 * strings, label matchers, ranges and grouping clauses are removed first, then
 * every identifier that is not a function call or a keyword is a metric name.
 * Good enough for the expressions this project writes; a test holds it to them.
 */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'atan2', 'inf', 'nan', 'Inf', 'NaN']);

/** Replaces string literals with `""` so their contents cannot be mistaken for code. */
export function blankStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

/** Every metric name an expression selects, in order of first appearance. */
export function metricNamesIn(expr: string): string[] {
  const stripped = blankStrings(expr)
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/(?<![\w.:$])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    if (!name || call || KEYWORDS.has(name) || names.includes(name)) continue;
    names.push(name);
  }
  return names;
}
