import { QUANTILES, type Quantile } from './experimentFile';
import { percent, QUANTILE_LABEL } from './hypothesis';

/** One bar group of the chart: a variant (and route, when several are loaded) under the fault. */
export interface ChartGroup {
  variant: string;
  /** Shown under the variant when the experiment loads several routes. */
  route?: string;
  observed: Record<Quantile, number>;
  predicted?: Record<Quantile, number>;
  /** Success ratio, [0, 1]. */
  availability: number;
  predictedAvailability?: number;
  /** Share of requests answered but degraded, [0, availability]; undefined when unknown. */
  degraded?: number;
  /** Whether the variant behaved as the experiment expects. */
  passed: boolean;
}

/** What the chart shows. */
export interface ChartInput {
  title: string;
  subtitle: string;
  groups: ChartGroup[];
  /** Hypothesis limits drawn across the groups of their route (all groups when `route` is undefined). */
  latencyLimits: { route?: string; quantile: Quantile; ms: number }[];
  availabilityLimits: { route?: string; ratio: number }[];
}

const W = 980;
const H = 450;
const LAT = { x0: 72, x1: 640, y0: 112, y1: 380 };
const AV = { x0: 712, x1: 950, y0: 112, y1: 380 };
const QUANTILE_COLOR: Record<Quantile, string> = { p50: '#c6dbef', p90: '#6baed6', p99: '#2171b5', p999: '#08306b' };
const OK = '#41ab5d';
const DEGRADED = '#fdae6b';
const FAILED = '#cb181d';
const LIMIT = '#d62728';
const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif\"";

/**
 * A self-contained SVG: on the left, latency quantiles (p50, p90, p99, p99.9)
 * per variant on a log scale with the model's predictions as diamonds and the
 * hypothesis' limits as dashed lines; on the right, availability per variant
 * split into plain, degraded and failed answers.
 */
export function renderChart(input: ChartInput): string {
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT}>`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(text(24, 30, input.title, { size: 18, weight: 600 }));
  wrap(input.subtitle, 150).slice(0, 2).forEach((line, i) => parts.push(text(24, 50 + i * 15, line, { size: 12, fill: '#555' })));
  parts.push(...legend());
  parts.push(...latencyPanel(input));
  parts.push(...availabilityPanel(input));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function legend(): string[] {
  const out: string[] = [];
  let x = LAT.x0;
  const y = 88;
  for (const q of QUANTILES) {
    out.push(`<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${QUANTILE_COLOR[q]}"/>`);
    out.push(text(x + 17, y + 1, QUANTILE_LABEL[q], { size: 12 }));
    x += 58;
  }
  x += 8;
  out.push(diamond(x + 6, y - 3));
  out.push(text(x + 16, y + 1, 'predicted', { size: 12 }));
  x += 84;
  out.push(`<line x1="${x}" y1="${y - 3}" x2="${x + 22}" y2="${y - 3}" stroke="${LIMIT}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
  out.push(text(x + 28, y + 1, 'hypothesis limit', { size: 12 }));
  x += 128;
  out.push(text(x, y + 1, '✓', { size: 13, fill: '#238b45', weight: 700 }));
  out.push(text(x + 12, y + 1, 'as expected', { size: 12 }));
  let ax = AV.x0;
  for (const [label, color] of [['ok', OK], ['degraded', DEGRADED], ['failed', FAILED]] as const) {
    out.push(`<rect x="${ax}" y="${y - 9}" width="12" height="12" fill="${color}"/>`);
    out.push(text(ax + 17, y + 1, label, { size: 12 }));
    ax += label === 'degraded' ? 82 : 48;
  }
  return out;
}

function latencyPanel(input: ChartInput): string[] {
  const out: string[] = [];
  const values = input.groups.flatMap((g) => [...QUANTILES.map((q) => g.observed[q]), ...(g.predicted ? QUANTILES.map((q) => g.predicted![q]) : [])]);
  values.push(...input.latencyLimits.map((l) => l.ms));
  const scale = logScale(values, LAT.y1, LAT.y0);
  for (const t of scale.ticks) {
    const y = scale.y(t);
    out.push(`<line x1="${LAT.x0}" y1="${y}" x2="${LAT.x1}" y2="${y}" stroke="#e5e5e5" stroke-width="1"/>`);
    out.push(text(LAT.x0 - 8, y + 4, tickLabel(t), { size: 11, anchor: 'end', fill: '#555' }));
  }
  out.push(`<line x1="${LAT.x0}" y1="${LAT.y1}" x2="${LAT.x1}" y2="${LAT.y1}" stroke="#333" stroke-width="1"/>`);
  out.push(text(18, (LAT.y0 + LAT.y1) / 2, 'latency, ms (log scale)', { size: 12, anchor: 'middle', rotate: true, fill: '#333' }));
  const slot = (LAT.x1 - LAT.x0) / Math.max(1, input.groups.length);
  const barW = Math.min(26, (slot * 0.78) / QUANTILES.length);
  input.groups.forEach((g, i) => {
    const center = LAT.x0 + slot * (i + 0.5);
    QUANTILES.forEach((q, k) => {
      const x = center + (k - QUANTILES.length / 2) * barW;
      const y = scale.y(g.observed[q]);
      out.push(`<rect x="${r(x + 1)}" y="${r(y)}" width="${r(barW - 2)}" height="${r(Math.max(0.5, LAT.y1 - y))}" fill="${QUANTILE_COLOR[q]}"><title>${esc(`${groupName(g)} ${QUANTILE_LABEL[q]}: ${tickLabel(g.observed[q])} ms observed${g.predicted ? `, ${tickLabel(g.predicted[q])} ms predicted` : ''}`)}</title></rect>`);
      // The value goes above the bar, or above the diamond when the diamond would cover it.
      const dy = g.predicted ? scale.y(g.predicted[q]) : undefined;
      const labelY = dy !== undefined && dy > y - 20 && dy < y + 6 ? Math.min(y, dy - 5) - 4 : y - 4;
      out.push(text(x + barW / 2, labelY, shortMs(g.observed[q]), { size: 9, anchor: 'middle', fill: '#333', halo: true }));
      if (dy !== undefined) out.push(diamond(x + barW / 2, dy));
    });
    if (g.route) out.push(text(center, LAT.y1 + 15, g.route, { size: 11, anchor: 'middle', fill: '#555' }));
  });
  out.push(...clusterLabels(input.groups, (i) => LAT.x0 + slot * (i + 0.5), LAT.y1 + (input.groups.some((g) => g.route) ? 31 : 17), 12));
  for (const limit of input.latencyLimits) {
    const idx = input.groups.map((g, i) => (limit.route === undefined || g.route === undefined || g.route === limit.route ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    const y = scale.y(limit.ms);
    // One segment over each group the limit applies to; the label over the last.
    for (const i of idx) {
      out.push(`<line x1="${r(LAT.x0 + slot * i + 4)}" y1="${r(y)}" x2="${r(LAT.x0 + slot * (i + 1) - 4)}" y2="${r(y)}" stroke="${LIMIT}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
    }
    const xb = LAT.x0 + slot * (idx[idx.length - 1]! + 1) - 4;
    out.push(text(xb, y - 5, `${limit.route && input.groups.some((g) => g.route) ? `${limit.route} ` : ''}${QUANTILE_LABEL[limit.quantile]} ≤ ${Number(limit.ms.toPrecision(4))} ms`, { size: 11, anchor: 'end', fill: LIMIT, halo: true }));
  }
  return out;
}

function availabilityPanel(input: ChartInput): string[] {
  const out: string[] = [];
  const y = (ratio: number): number => AV.y1 - ratio * (AV.y1 - AV.y0);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${AV.x0}" y1="${r(y(t))}" x2="${AV.x1}" y2="${r(y(t))}" stroke="#e5e5e5" stroke-width="1"/>`);
    out.push(text(AV.x0 - 6, y(t) + 4, `${t * 100} %`, { size: 11, anchor: 'end', fill: '#555' }));
  }
  out.push(`<line x1="${AV.x0}" y1="${AV.y1}" x2="${AV.x1}" y2="${AV.y1}" stroke="#333" stroke-width="1"/>`);
  out.push(text(AV.x0 - 46, (AV.y0 + AV.y1) / 2, 'availability', { size: 12, anchor: 'middle', rotate: true, fill: '#333' }));
  const slot = (AV.x1 - AV.x0) / Math.max(1, input.groups.length);
  const barW = Math.min(34, slot * 0.55);
  input.groups.forEach((g, i) => {
    const x = AV.x0 + slot * (i + 0.5) - barW / 2;
    const degraded = Math.min(g.availability, g.degraded ?? 0);
    const plain = g.availability - degraded;
    const segments: [number, number, string, string][] = [
      [0, plain, OK, 'ok'],
      [plain, plain + degraded, DEGRADED, 'degraded'],
      [g.availability, 1, FAILED, 'failed'],
    ];
    for (const [from, to, color, label] of segments) {
      if (to - from <= 0) continue;
      out.push(`<rect x="${r(x)}" y="${r(y(to))}" width="${r(barW)}" height="${r(Math.max(0.5, y(from) - y(to)))}" fill="${color}"><title>${esc(`${groupName(g)}: ${label} ${percent(to - from)}`)}</title></rect>`);
    }
    out.push(text(x + barW / 2, AV.y0 - 6, percent(g.availability), { size: 10, anchor: 'middle', weight: 600 }));
    if (g.predictedAvailability !== undefined) out.push(diamond(x + barW / 2, y(g.predictedAvailability)));
    if (g.route) out.push(text(x + barW / 2, AV.y1 + 15, g.route, { size: 9, anchor: 'middle', fill: '#555' }));
  });
  out.push(...clusterLabels(input.groups, (i) => AV.x0 + slot * (i + 0.5), AV.y1 + (input.groups.some((g) => g.route) ? 31 : 17), 10));
  for (const limit of input.availabilityLimits) {
    const yy = y(limit.ratio);
    out.push(`<line x1="${AV.x0}" y1="${r(yy)}" x2="${AV.x1}" y2="${r(yy)}" stroke="${LIMIT}" stroke-width="1.5" stroke-dasharray="5 3"><title>${esc(`${limit.route ?? ''} availability ≥ ${percent(limit.ratio)}`)}</title></line>`);
  }
  return out;
}

/** Under consecutive groups of one variant: its name, and ✓ or ✗ for whether it behaved as expected. */
function clusterLabels(groups: readonly ChartGroup[], centerOf: (i: number) => number, y: number, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j + 1 < groups.length && groups[j + 1]!.variant === groups[i]!.variant) j++;
    const x = (centerOf(i) + centerOf(j)) / 2;
    const g = groups[i]!;
    out.push(text(x, y, g.variant, { size, anchor: 'middle', weight: 600 }));
    out.push(text(x, y + 17, g.passed ? '✓' : '✗', { size: 14, anchor: 'middle', fill: g.passed ? '#238b45' : FAILED, weight: 700 }));
    i = j + 1;
  }
  return out;
}

function groupName(g: ChartGroup): string {
  return g.route ? `${g.variant} · ${g.route}` : g.variant;
}

/** A log scale over `values` with 1-2-5 ticks; y grows downwards (SVG). */
export function logScale(values: readonly number[], yLow: number, yHigh: number): { y: (v: number) => number; ticks: number[] } {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const min = positive.length ? Math.min(...positive) : 1;
  const max = positive.length ? Math.max(...positive) : 10;
  const lo = niceBelow(Math.min(min / 1.4, max / 10));
  const hi = niceAbove(max * 1.35);
  const span = Math.log10(hi) - Math.log10(lo);
  const y = (v: number): number => yLow - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span) * (yLow - yHigh);
  const ticks: number[] = [];
  for (let decade = Math.floor(Math.log10(lo)); decade <= Math.ceil(Math.log10(hi)); decade++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** decade;
      if (t >= lo * 0.999 && t <= hi * 1.001) ticks.push(Number(t.toPrecision(6)));
    }
  }
  return { y, ticks };
}

function niceBelow(v: number): number {
  const d = 10 ** Math.floor(Math.log10(v));
  for (const m of [5, 2, 1]) if (m * d <= v) return m * d;
  return d;
}

function niceAbove(v: number): number {
  const d = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * d >= v) return m * d;
  return 10 * d;
}

function tickLabel(v: number): string {
  if (v >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

function shortMs(v: number): string {
  if (v >= 10_000) return `${Math.round(v / 1000)}k`;
  if (v >= 1000) return `${(v / 1000).toFixed(1)}k`;
  if (v >= 10) return String(Math.round(v));
  return v.toFixed(1);
}

function diamond(cx: number, cy: number): string {
  const s = 4.5;
  return `<path d="M${r(cx)} ${r(cy - s)} L${r(cx + s)} ${r(cy)} L${r(cx)} ${r(cy + s)} L${r(cx - s)} ${r(cy)} Z" fill="#ffffff" stroke="#111" stroke-width="1.3"/>`;
}

function text(x: number, y: number, content: string, o: { size: number; anchor?: 'start' | 'middle' | 'end'; weight?: number; fill?: string; rotate?: boolean; halo?: boolean }): string {
  const attrs = [`x="${r(x)}"`, `y="${r(y)}"`, `font-size="${o.size}"`];
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.weight) attrs.push(`font-weight="${o.weight}"`);
  attrs.push(`fill="${o.fill ?? '#111'}"`);
  if (o.rotate) attrs.push(`transform="rotate(-90 ${r(x)} ${r(y)})"`);
  // A white outline keeps text readable where it crosses bars or lines.
  if (o.halo) attrs.push('stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"');
  return `<text ${attrs.join(' ')}>${esc(content)}</text>`;
}

function r(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** Escapes text for SVG (XML). */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Splits text into lines of at most `width` characters, at spaces. */
function wrap(content: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of content.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
