// Server-side SVG and HTML fragments for the report: the file must read without scripts or
// network, so charts are drawn here as static SVG rather than by the app's uPlot canvases.
import { niceTicks, tickText } from '../../../shared/chart-scale';

/** Escapes text for HTML element content and double-quoted attributes. Every user string goes through it. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const ARM_COLORS = { baseline: '#2f6fdb', comparative: '#e8590c' } as const;

export interface BandSeries {
  label: string;
  color: string;
  x: readonly number[];
  mean: readonly number[];
  lower?: readonly number[];
  upper?: readonly number[];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Caption under the chart (e.g. how the band is defined). */
  note?: string;
  width?: number;
  height?: number;
}

/**
 * A line chart: per series the mean as a line with points, and (when given) a shaded band from
 * lower to upper. Accessible: role="img" with the title, and the data repeated in a <desc>.
 */
export function lineChartSvg(series: readonly BandSeries[], options: ChartOptions): string {
  // Two charts side by side fit the report's 1100 px column.
  const width = options.width ?? 520;
  const height = options.height ?? 280;
  const m = { top: 30, right: 16, bottom: 44, left: 60 };
  const drawn = series.filter((s) => s.x.length > 0);
  if (drawn.length === 0) return `<p class="muted">${esc(options.title)}: no data.</p>`;
  const xs = drawn.flatMap((s) => [...s.x]).filter(Number.isFinite);
  const ys = drawn.flatMap((s) => [...s.mean, ...(s.lower ?? []), ...(s.upper ?? [])]).filter(Number.isFinite);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  const pad = (y1 - y0) * 0.08 || Math.abs(y0) * 0.05 || 1;
  [y0, y1] = [y0 - pad, y1 + pad];
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0)) * (width - m.left - m.right);
  const py = (y: number) => height - m.bottom - ((y - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const f = (v: number) => v.toFixed(1);
  const parts: string[] = [];
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${m.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${esc(tickText(t))}</text>`);
  }
  for (const t of niceTicks(x0, x1)) {
    parts.push(`<line x1="${f(px(t))}" x2="${f(px(t))}" y1="${height - m.bottom}" y2="${height - m.bottom + 4}" stroke="#6b7280"/>`);
    parts.push(`<text x="${f(px(t))}" y="${height - m.bottom + 16}" text-anchor="middle">${esc(tickText(t))}</text>`);
  }
  parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="#6b7280"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="#6b7280"/>`);
  parts.push(`<text x="${(m.left + width - m.right) / 2}" y="${height - 8}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}</text>`);
  for (const s of drawn) {
    const idx = s.x.map((_, i) => i).filter((i) => Number.isFinite(s.mean[i]));
    if (s.lower && s.upper && idx.length > 1) {
      const top = idx.map((i) => `${f(px(s.x[i]))},${f(py(s.upper![i]))}`);
      const bottom = idx.map((i) => `${f(px(s.x[i]))},${f(py(s.lower![i]))}`).reverse();
      parts.push(`<polygon points="${[...top, ...bottom].join(' ')}" fill="${s.color}" fill-opacity="0.15" stroke="none"/>`);
    }
    parts.push(`<polyline points="${idx.map((i) => `${f(px(s.x[i]))},${f(py(s.mean[i]))}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    // Dots mark evaluations; a dense curve (per-step training loss) is clearer without them.
    if (idx.length <= 60) for (const i of idx) parts.push(`<circle cx="${f(px(s.x[i]))}" cy="${f(py(s.mean[i]))}" r="2.5" fill="${s.color}"/>`);
  }
  drawn.forEach((s, k) => {
    const x = m.left + 8 + k * 200;
    parts.push(`<rect x="${x}" y="10" width="12" height="12" fill="${s.color}"/><text x="${x + 16}" y="20">${esc(s.label)}</text>`);
  });
  const desc = drawn.map((s) => `${s.label}: ${s.x.map((x, i) => `${tickText(x)}=${tickText(s.mean[i])}`).join(', ')}`).join('; ');
  return (
    `<figure><svg role="img" aria-label="${esc(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-size="11" font-family="system-ui, sans-serif">` +
    `<title>${esc(options.title)}</title><desc>${esc(desc)}</desc>${parts.join('')}</svg>` +
    `<figcaption>${esc(options.title)}${options.note ? ` <span class="muted">(${esc(options.note)})</span>` : ''}</figcaption></figure>`
  );
}

/**
 * A matrix as an HTML table whose cells are shaded by value: counts in blue, differences blue
 * (positive) / red (negative). `positiveIsGood` flips nothing; the caption says what sign means.
 */
export function matrixTable(matrix: readonly (readonly number[])[], labels: readonly string[], options: { caption: string; signed?: boolean; digits?: number }): string {
  const max = Math.max(1e-12, ...matrix.flat().map(Math.abs));
  const cell = (v: number) => {
    const a = Math.min(1, Math.abs(v) / max) * 0.6;
    const rgb = options.signed && v < 0 ? '220, 38, 38' : '47, 111, 219';
    const text = options.signed && v > 0 ? `+${v.toFixed(options.digits ?? 0)}` : v.toFixed(options.digits ?? 0);
    return `<td style="background: rgba(${rgb}, ${a.toFixed(3)})">${esc(text)}</td>`;
  };
  const label = (i: number) => esc(labels[i] ?? String(i));
  return (
    `<table class="matrix"><caption>${esc(options.caption)}</caption><thead><tr><th scope="col">gold \\ predicted</th>` +
    matrix.map((_, j) => `<th scope="col">${label(j)}</th>`).join('') +
    '</tr></thead><tbody>' +
    matrix.map((row, i) => `<tr><th scope="row">${label(i)}</th>${row.map(cell).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

export interface ScatterOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  color: string;
  /** Shared by both arms' charts, so they can be compared at a glance. */
  domain: [number, number];
  note?: string;
  width?: number;
  height?: number;
}

/** Chart frame shared by the scatter and the histogram: margins, ticks, axes, axis labels. */
function frame(width: number, height: number, xDomain: [number, number], yDomain: [number, number], xLabel: string, yLabel: string) {
  const m = { top: 16, right: 16, bottom: 44, left: 60 };
  const px = (x: number) => m.left + ((x - xDomain[0]) / (xDomain[1] - xDomain[0])) * (width - m.left - m.right);
  const py = (y: number) => height - m.bottom - ((y - yDomain[0]) / (yDomain[1] - yDomain[0])) * (height - m.top - m.bottom);
  const f = (v: number) => v.toFixed(1);
  const parts: string[] = [];
  for (const t of niceTicks(...yDomain)) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${m.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${esc(tickText(t))}</text>`);
  }
  for (const t of niceTicks(...xDomain)) parts.push(`<text x="${f(px(t))}" y="${height - m.bottom + 16}" text-anchor="middle">${esc(tickText(t))}</text>`);
  parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="#6b7280"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="#6b7280"/>`);
  parts.push(`<text x="${(m.left + width - m.right) / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  return { px, py, f, parts, m };
}

function figure(width: number, height: number, title: string, desc: string, body: string, note?: string): string {
  return (
    `<figure><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-size="11" font-family="system-ui, sans-serif">` +
    `<title>${esc(title)}</title><desc>${esc(desc)}</desc>${body}</svg>` +
    `<figcaption>${esc(title)}${note ? ` <span class="muted">(${esc(note)})</span>` : ''}</figcaption></figure>`
  );
}

/** Predicted against gold: one dot per point and the dashed y = x line where predictions are exact. */
export function scatterSvg(points: ReadonlyArray<{ x: number; y: number }>, options: ScatterOptions): string {
  const width = options.width ?? 360;
  const height = options.height ?? 320;
  if (points.length === 0) return `<p class="muted">${esc(options.title)}: no data.</p>`;
  const { px, py, f, parts } = frame(width, height, options.domain, options.domain, options.xLabel, options.yLabel);
  const [d0, d1] = options.domain;
  parts.push(`<line x1="${f(px(d0))}" y1="${f(py(d0))}" x2="${f(px(d1))}" y2="${f(py(d1))}" stroke="#6b7280" stroke-dasharray="4 3"/>`);
  for (const p of points) parts.push(`<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="2" fill="${options.color}" fill-opacity="0.45"/>`);
  return figure(width, height, options.title, `${points.length} points`, parts.join(''), options.note);
}

/** Counts per bin, one bar per series side by side in each bin (edges: bins + 1 values). */
export function histogramSvg(
  edges: readonly number[],
  series: ReadonlyArray<{ label: string; color: string; counts: readonly number[] }>,
  options: { title: string; xLabel: string; yLabel: string; note?: string; width?: number; height?: number },
): string {
  const width = options.width ?? 360;
  const height = options.height ?? 320;
  if (series.length === 0 || edges.length < 2) return `<p class="muted">${esc(options.title)}: no data.</p>`;
  const top = Math.max(1, ...series.flatMap((s) => s.counts)) * 1.05;
  const { px, py, f, parts } = frame(width, height, [edges[0], edges[edges.length - 1]], [0, top], options.xLabel, options.yLabel);
  series.forEach((s, k) =>
    s.counts.forEach((count, b) => {
      const barWidth = (px(edges[b + 1]) - px(edges[b])) / series.length;
      parts.push(`<rect x="${f(px(edges[b]) + k * barWidth)}" y="${f(py(count))}" width="${f(Math.max(0, barWidth - 1))}" height="${f(py(0) - py(count))}" fill="${s.color}" fill-opacity="0.75"/>`);
    }),
  );
  series.forEach((s, k) => parts.push(`<rect x="${68 + k * 150}" y="4" width="10" height="10" fill="${s.color}"/><text x="${82 + k * 150}" y="13">${esc(s.label)}</text>`));
  const desc = series.map((s) => `${s.label}: ${s.counts.join(', ')}`).join('; ');
  return figure(width, height, options.title, desc, parts.join(''), options.note);
}
