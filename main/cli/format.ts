import { formatBytes } from '../../shared/models';
import { metricLabel } from '../../shared/metric-labels';
import type { ComparisonDetail, ComparisonTableRow, DatasetSummary, RunDetail, RunSummary } from '../../shared/schemas';
import type { ComparisonAnalysis } from '../../shared/comparison-analysis-schema';
import { sampleStd } from '../../shared/stats';
import { evidenceOf, evidenceWord, isMilliseconds } from '../../shared/verdict';
import { formatFlops, isFlopsMetric } from '../../shared/flops';

const fmt = (v: number | null, metric: string): string => {
  if (v === null) return '—';
  if (isMilliseconds(metric)) return v.toFixed(0);
  if (isFlopsMetric(metric)) return formatFlops(v);
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
    `Comparison ${d.comparison.id} on ${dataset.name} (${splitCounts(dataset)}), ` +
    `seeds ${seeds.join(', ')}, backend ${backends}\n` +
    `comparative: C=${c.ablations} nested dropout ablations, target ${c.target}, T=${c.temperature}, p=${c.dropout}; ` +
    `${c.epochs} epochs, batch ${c.batchSize}, lr ${c.learningRate}\n` +
    `${headlineText(d)}\n`;
  const header = [
    'metric',
    ...seeds.map((s) => `baseline s${s}`),
    ...seeds.map((s) => `comparative s${s}`),
    'baseline mean ± std',
    'comparative mean ± std',
    'mean diff (cmp-base)',
    'evidence',
    'learned nothing',
  ];
  // Means, spreads and differences over the same runs: the seeds where both arms have a value.
  const paired = (r: ComparisonTableRow, arm: 'baseline' | 'comparative') =>
    r[arm].filter((v, i): v is number => v !== null && (r.stats?.test === 'unpaired' || (r.baseline[i] !== null && r.comparative[i] !== null)));
  const withStd = (mean: number | null, values: number[], metric: string) => {
    const std = sampleStd(values);
    return std === null ? fmt(mean, metric) : `${fmt(mean, metric)} ± ${fmt(std, metric)}`;
  };
  const rows = d.table.map((r) => [
    metricLabel(r.metric),
    ...r.baseline.map((v) => fmt(v, r.metric)),
    ...r.comparative.map((v) => fmt(v, r.metric)),
    withStd(r.baselineMean, paired(r, 'baseline'), r.metric),
    withStd(r.comparativeMean, paired(r, 'comparative'), r.metric),
    signed(r.meanDifference, r.metric),
    evidenceWord(r.metric, r.evidence ?? evidenceOf(r.metric, r.stats, r.meanDifference)),
    r.reference ? fmt(r.reference.value, r.metric) : '',
  ]);
  // The statistical verdict for the task's first metric and for the metric the runs selected checkpoints by.
  const verdictMetrics = [...new Set([d.table[0]?.metric ?? 'accuracy', c.selectionMetric])];
  const verdicts = d.table
    .filter((r) => verdictMetrics.includes(r.metric) && r.stats)
    .map((r) => `${metricLabel(r.metric)}: ${r.stats!.verdict}`);
  const references = [...new Set(d.table.filter((r) => r.reference && !r.metric.startsWith('validation_')).map((r) => `${metricLabel(r.metric)}: ${r.reference!.rule}`))];
  const notes = [
    ...(d.coverage ? [`Over ${d.coverage.text}.`] : []),
    ...(references.length ? [`"learned nothing": the score of ${references.join('; ')}.`] : []),
  ];
  const warnings = (d.warnings ?? []).map((w) => `warning: ${w}`);
  const failed = d.runs.filter((r) => r.status !== 'completed').map((r) => `  ${r.id} ${r.name}: ${r.status}${r.error ? ` — ${r.error}` : ''}`);
  return (
    head +
    '\n' +
    table(header, rows) +
    (notes.length ? `\n${notes.join('\n')}` : '') +
    (verdicts.length ? `\n\n${verdicts.join('\n')}` : '') +
    (warnings.length ? `\n\n${warnings.join('\n')}` : '') +
    (failed.length ? `\n\nUnfinished runs:\n${failed.join('\n')}` : '') +
    '\n'
  );
}

/**
 * Neuronal utility per ablation level, mean over seeds per arm (the app's Utility view): k = 0 is
 * the whole model, each further level one more nested dropout ablation or a shorter crop.
 */
export function utilityText(utility: ComparisonAnalysis['utility']): string {
  if (utility.length === 0) return '';
  const lines = utility.flatMap((u) => [
    `neuronal utility (${u.kind}, ${metricLabel(u.metric)} by level k, mean over seeds, validation split, selected checkpoint):`,
    ...u.curves.map((c) => `  ${c.arm.padEnd(11)} ${c.x.map((k, i) => `k${k}=${fmt(c.mean[i], u.metric)}`).join('  ')}`),
  ]);
  return `\n${lines.join('\n')}\n`;
}

const splitCounts = (d: DatasetSummary): string =>
  `${d.splits.train} train / ${d.splits.validation} validation${d.splits.test ? ` / ${d.splits.test} test` : ''}`;

/** Which split and checkpoint the table's numbers are: the first thing to know about them. */
export function headlineText(d: Pick<ComparisonDetail, 'headline'>): string {
  const h = d.headline;
  if (h?.split === 'test') return `Scores: on the held-out test split, ${h.examples} examples, each run's selected checkpoint (best on validation); validation_* rows are the validation split.`;
  const n = h ? `, ${h.examples} examples` : '';
  return `Scores: on the validation split${n}, which also selected each run's checkpoint (optimistic: the dataset has no test split).`;
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
        r.tags?.length ? `${r.name} [${r.tags.join(', ')}]` : r.name,
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

/** A run plus what its evaluations and the utility measurement found. */
export function runDetailText(d: RunDetail): string {
  const best = d.evaluations.find((e) => e.best);
  const lines = [runText(d.run).trimEnd()];
  if (best) lines.push(`best evaluation: step ${best.step} (epoch ${best.epoch.toFixed(2)})`);
  if (d.checkpointBytes !== undefined) {
    const keep = d.run.config.keepCheckpoints === 0 ? 'all periodic ones kept' : `best + last ${d.run.config.keepCheckpoints} kept`;
    lines.push(`checkpoints on disk: ${formatBytes(d.checkpointBytes)} (${d.checkpointBytes} bytes; ${keep})`);
  }
  for (const kind of ['drop', 'crop'] as const) {
    const levels = d.utility.filter((u) => u.kind === kind);
    if (levels.length === 0) continue;
    const metric = 'accuracy' in levels[0].metrics ? 'accuracy' : Object.keys(levels[0].metrics)[0];
    lines.push(`neuronal utility (${kind}, ${metric} by level k): ${levels.map((u) => `k${u.k}=${fmt(u.metrics[metric] ?? null, metric)}`).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

export function datasetText(d: DatasetSummary): string {
  const counts = Object.entries(d.labelCounts).map(([l, n]) => `${l}=${n}`).join(', ');
  return `${d.id}  ${d.name} (${d.format}, ${d.task ?? 'classification'}, ${d.rows} rows: ${splitCounts(d)})\n` +
    `text column: ${d.textColumn}, label column: ${d.labelColumn}, labels: ${counts}\n`;
}
