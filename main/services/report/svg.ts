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
