import type { ComparisonDetail, DatasetSummary, RunSummary } from '../../shared/schemas';

const fmt = (v: number | null, metric: string): string => {
  if (v === null) return '—';
  if (metric === 'ms_per_step') return v.toFixed(0);
  return v.toFixed(4);
};
const signed = (v: number | null, metric: string): string => (v === null ? '—' : `${v >= 0 ? '+' : ''}${fmt(v, metric)}`);

/** A plain-text table with padded columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function comparisonText(d: ComparisonDetail, dataset: DatasetSummary): string {
  const seeds = d.comparison.seeds;
  const backends = [...new Set(d.runs.map((r) => r.backend ?? '?'))].join(', ');
  const c = d.comparison.config;
  const head =
    `Comparison ${d.comparison.id} on ${dataset.name} (${dataset.splits.train} train / ${dataset.splits.validation} validation), ` +
    `seeds ${seeds.join(', ')}, backend ${backends}\n` +
    `comparative: C=${c.ablations} nested dropout ablations, target ${c.target}, T=${c.temperature}, p=${c.dropout}; ` +
    `${c.epochs} epochs, batch ${c.batchSize}, lr ${c.learningRate}\n`;
  const header = ['metric', ...seeds.map((s) => `baseline s${s}`), ...seeds.map((s) => `comparative s${s}`), 'baseline mean', 'comparative mean', 'mean diff (cmp-base)'];
  const rows = d.table.map((r) => [
    r.metric,
    ...r.baseline.map((v) => fmt(v, r.metric)),
    ...r.comparative.map((v) => fmt(v, r.metric)),
    fmt(r.baselineMean, r.metric),
    fmt(r.comparativeMean, r.metric),
    signed(r.meanDifference, r.metric),
  ]);
  const failed = d.runs.filter((r) => r.status !== 'completed').map((r) => `  ${r.id} ${r.name}: ${r.status}${r.error ? ` — ${r.error}` : ''}`);
  return head + '\n' + table(header, rows) + (failed.length ? `\n\nUnfinished runs:\n${failed.join('\n')}` : '') + '\n';
}

export function runsText(runs: RunSummary[]): string {
  if (runs.length === 0) return 'No runs yet. Try: npm run cli -- compare\n';
  return (
    table(
      ['id', 'status', 'loss', 'seed', 'backend', 'accuracy', 'macro_f1', 'created', 'name'],
      runs.map((r) => [
        r.id,
        r.status,
        r.loss,
        String(r.seed),
        r.backend ?? '—',
        fmt(r.finalMetrics.accuracy ?? null, 'accuracy'),
        fmt(r.finalMetrics.macro_f1 ?? null, 'macro_f1'),
        r.createdAt.slice(0, 19).replace('T', ' '),
        r.name,
      ]),
    ) + '\n'
  );
}

export function runText(r: RunSummary): string {
  const metrics = Object.entries(r.finalMetrics).map(([k, v]) => `  ${k}: ${fmt(v, k)}`);
  return [
    `${r.id}  ${r.name}`,
    `status: ${r.status}${r.error ? ` — ${r.error}` : ''}`,
    `backend: ${r.backend ?? '—'}   step ${r.step}/${r.totalSteps}`,
    `config: ${JSON.stringify(r.config)}`,
    metrics.length ? `final metrics:\n${metrics.join('\n')}` : 'final metrics: —',
  ].join('\n') + '\n';
}

export function datasetText(d: DatasetSummary): string {
  const counts = Object.entries(d.labelCounts).map(([l, n]) => `${l}=${n}`).join(', ');
  return `${d.id}  ${d.name} (${d.format}, ${d.rows} rows: ${d.splits.train} train / ${d.splits.validation} validation)\n` +
    `text column: ${d.textColumn}, label column: ${d.labelColumn}, labels: ${counts}\n`;
}
