// One self-contained HTML file per comparison: inline CSS, inline SVG charts, no scripts and no
// external URLs, so it can be mailed, archived or opened offline years later and still read the
// same. Every string that came from a person or a file (dataset and run names, labels, tags,
// errors) is escaped with esc().
import type { ComparisonStats, ComparisonTableRow, LossKind, RunConfig } from '../../../shared/schemas';
import { metricLabel } from '../../../shared/metric-labels';
import { evidenceOf, evidenceWord, metricIsFraction, isMilliseconds } from '../../../shared/verdict';
import { formatFlops, isFlopsMetric } from '../../../shared/flops';
import { BAND_LABEL, type MeanBandCurve } from '../../../shared/comparison-analysis';
import { analysisKindOf, CURVE_METRICS, headlineCheckpointText, headlineSplitText, LIVE_TEXT, TRAJECTORY_TEXT, UTILITY_TEXT } from '../../../shared/comparison-views';
import { MIN_BOOTSTRAP_SEEDS } from '../../../shared/paired-stats';
import { evaluationSections } from './evaluation-sections';
import { QA_REPORT_CSS, qaExamplesSection } from './qa-examples-section';
import { analyseReport, type ReportData } from './report-data';
import { ARM_COLORS, esc, lineChartSvg, type BandSeries } from './svg';

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #e5e7eb; padding-bottom: .2rem; }
.muted { color: #6b7280; } .verdict { background: #f3f4f6; border-left: 4px solid #6b7280; padding: .6rem .9rem; margin: .4rem 0; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; } caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #e5e7eb; padding: .25rem .5rem; text-align: right; } th[scope=row], th[scope=rowgroup], td.text { text-align: left; }
thead th { background: #f9fafb; } .baseline { color: #2f6fdb; } .comparative { color: #e8590c; }
.better { color: #15803d; font-weight: 600; } .worse { color: #b91c1c; font-weight: 600; }
.evidence { font-size: .75em; text-transform: uppercase; letter-spacing: .04em; } .warning { background: #fef2f2; border-left: 4px solid #b91c1c; padding: .6rem .9rem; }
.grid { display: flex; flex-wrap: wrap; gap: 1.5rem; } figure { margin: .5rem 0; } figcaption { font-size: .9rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dl.facts dt { color: #6b7280; } dl.facts dd { margin: 0; word-break: break-all; }
table.matrix td { min-width: 3rem; text-align: center; } .split { border-left: 3px solid #d1d5db; background: #f9fafb; padding: .3rem .6rem; } .notice { border-left: 4px solid #d97706; background: #fffbeb; padding: .4rem .7rem; } code { font-size: .9em; } h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
dl.config { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 0 1rem; font-size: .9rem; }
dl.config div { display: flex; justify-content: space-between; gap: .5rem; border-bottom: 1px dotted #e5e7eb; } dl.config dt { color: #6b7280; } dl.config dd { margin: 0; }
@media print { h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
`;

function fmt(metric: string, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (isMilliseconds(metric)) return v.toFixed(1);
  if (isFlopsMetric(metric)) return formatFlops(v);
  return v.toFixed(4);
}

function fmtDiff(metric: string, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const text = metricIsFraction(metric) ? `${(v * 100).toFixed(2)} pts` : fmt(metric, v);
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${text.replace('-', '')}`;
}

const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
const pValue = (p: number | null | undefined): string => (p === null || p === undefined ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));

function armName(data: ReportData, arm: LossKind): string {
  return data.detail.comparison.armLabels?.[arm] ?? arm;
}

/** Coloured only when the test says so (shared/verdict.ts evidenceOf); the word says what it is. */
function deltaCell(r: ComparisonTableRow): string {
  const evidence = r.evidence ?? evidenceOf(r.metric, r.stats, r.meanDifference);
  const cls = evidence === 'better' || evidence === 'worse' ? evidence : 'muted';
  const word = r.meanDifference === null ? '' : ` <span class="evidence">${esc(evidenceWord(r.metric, evidence))}</span>`;
  const why = r.evidenceNote ? ` title="${esc(r.evidenceNote)}"` : '';
  return `<td class="${cls}" data-evidence="${evidence}"${why}>${fmtDiff(r.metric, r.meanDifference)}${word}</td>`;
}

function resultsTable(data: ReportData): string {
  const { seeds } = data.detail.comparison;
  const head =
    `<tr><th rowspan="2" scope="col">metric</th><th colspan="${seeds.length}" class="baseline" scope="colgroup">${esc(armName(data, 'baseline'))}</th>` +
    `<th colspan="${seeds.length}" class="comparative" scope="colgroup">${esc(armName(data, 'comparative'))}</th><th colspan="2" scope="colgroup">mean</th><th rowspan="2" scope="col">Δ comparative − baseline</th><th rowspan="2" scope="col" title="what a model that learned nothing scores on the same split">learned nothing</th></tr>` +
    `<tr>${[...seeds, ...seeds].map((s) => `<th scope="col">seed ${esc(s)}</th>`).join('')}<th scope="col" class="baseline">baseline</th><th scope="col" class="comparative">comparative</th></tr>`;
  // Below a test headline, the validation rows (validation_<metric>) get a labelled block of their own.
  const firstValidation = data.detail.headline?.split === 'test' ? data.detail.table.findIndex((r) => r.metric.startsWith('validation_')) : -1;
  const block = `<tr><th scope="rowgroup" colspan="${5 + 2 * seeds.length}">Below: ${esc(headlineSplitText(undefined))}</th></tr>`;
  const row = (r: ComparisonTableRow, i: number) =>
    `${i === firstValidation ? block : ''}<tr data-metric="${esc(r.metric)}"><th scope="row">${esc(metricLabel(r.metric))}</th>${[...r.baseline, ...r.comparative].map((v) => `<td>${fmt(r.metric, v)}</td>`).join('')}` +
    `<td>${fmt(r.metric, r.baselineMean)}</td><td>${fmt(r.metric, r.comparativeMean)}</td>${deltaCell(r)}` +
    `<td class="muted" title="${esc(r.reference?.rule ?? '')}">${r.reference ? fmt(r.metric, r.reference.value) : ''}</td></tr>`;
  const caption = `Final metrics per seed, ${headlineSplitText(data.detail.headline)}`;
  const coverage = data.detail.coverage ? `<p class="muted" id="coverage">${esc(`Means, differences and statistics over ${data.detail.coverage.text}.`)}</p>` : '';
  const rules = [...new Set(data.detail.table.filter((r) => r.reference && !r.metric.startsWith('validation_')).map((r) => `${metricLabel(r.metric)}: ${r.reference!.rule}`))];
  const reference = rules.length ? `<p class="muted">${esc(`“Learned nothing”: the score of ${rules.join('; ')}.`)}</p>` : '';
  const warnings = (data.detail.warnings ?? []).map((w) => `<p class="warning" role="note">${esc(w)}</p>`).join('');
  return `${warnings}<table id="results" data-split="${data.detail.headline?.split ?? 'validation'}"><caption>${esc(caption)}</caption><thead>${head}</thead><tbody>${data.detail.table.map(row).join('')}</tbody></table>${coverage}${reference}<p class="muted">${esc(headlineCheckpointText(data.detail.headline))}</p>`;
}

function statsTable(data: ReportData): string {
  const rows = data.detail.table.filter((r) => r.stats);
  const unpaired = rows.some((r) => r.stats!.test === 'unpaired');
  const head = unpaired
    ? '<tr><th scope="col">metric</th><th scope="col">runs</th><th scope="col">Welch t</th><th scope="col">df</th><th scope="col">p (Welch)</th><th scope="col">Mann-Whitney U</th><th scope="col">p (U)</th><th scope="col">Cohen d</th><th scope="col">verdict</th></tr>'
    : '<tr><th scope="col">metric</th><th scope="col">pairs</th><th scope="col">t</th><th scope="col">df</th><th scope="col">p (t)</th><th scope="col">Wilcoxon W</th><th scope="col">p (W)</th><th scope="col">95% bootstrap CI of Δ</th><th scope="col">effect d<sub>z</sub></th><th scope="col">seeds needed</th><th scope="col">verdict</th></tr>';
  const row = (metric: string, s: ComparisonStats) =>
    unpaired
      ? `<tr><th scope="row">${esc(metric)}</th><td>${s.n}</td><td>${num(s.t)}</td><td>${num(s.df, 1)}</td><td>${pValue(s.pT)}</td><td>${num(s.mannWhitneyU, 1)}</td><td>${pValue(s.pMannWhitney)}</td><td>${num(s.effectSize, 2)}</td><td class="text">${esc(s.verdict)}</td></tr>`
      : `<tr><th scope="row">${esc(metric)}</th><td>${s.n}</td><td>${num(s.t)}</td><td>${num(s.df, 0)}</td><td>${pValue(s.pT)}</td><td>${num(s.wilcoxonW, 1)}</td><td>${pValue(s.pWilcoxon)}</td>` +
        `<td>${s.ciLow === null ? (s.n < MIN_BOOTSTRAP_SEEDS ? `needs ≥ ${MIN_BOOTSTRAP_SEEDS} seeds` : '—') : `[${fmtDiff(metric, s.ciLow)}, ${fmtDiff(metric, s.ciHigh)}]`}</td><td>${num(s.effectSize, 2)}</td><td>${s.seedsNeeded ?? '—'}</td><td class="text">${esc(s.verdict)}</td></tr>`;
  const note = unpaired
    ? 'The runs could not be matched one-to-one by seed, so the tests are unpaired: Welch’s t-test and the Mann-Whitney U test on the runs of each arm.'
    : 'Paired by seed (both arms of a seed share split, initialisation and data order): paired t-test and Wilcoxon signed-rank test on the per-seed differences, percentile bootstrap CI (10,000 resamples, shown from 5 seeds), Cohen’s d<sub>z</sub>, and the seeds a paired t-test would need for 80% power at α = 0.05.';
  return `<table id="statistics"><caption>Statistics</caption><thead>${head}</thead><tbody>${rows.map((r) => row(r.metric, r.stats!)).join('')}</tbody></table><p class="muted">${note}</p>`;
}

/** A config as "key" / "section.key" -> value pairs (the model block flattened). */
function flatConfig(config: RunConfig): Array<[string, unknown]> {
  return Object.entries(config).flatMap(([k, v]): Array<[string, unknown]> =>
    v && typeof v === 'object' ? Object.entries(v).map(([k2, v2]): [string, unknown] => [`${k}.${k2}`, v2]) : [[k, v]],
  );
}

/** Settings as a compact grid of name/value pairs; with `other`, the settings where the arms differ are marked. */
function configTable(config: RunConfig, other?: RunConfig): string {
  const otherFlat = other ? new Map(flatConfig(other)) : null;
  const differs = (k: string, v: unknown) => otherFlat !== null && JSON.stringify(otherFlat.get(k)) !== JSON.stringify(v);
  return `<h3>Configuration${other ? ' <span class="muted">(where the arms differ: baseline vs comparative)</span>' : ''}</h3><dl id="config" class="config">${flatConfig(config)
    .filter(([k]) => k !== 'loss' && k !== 'seed')
    .map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(JSON.stringify(v))}${differs(k, v) ? ` <strong>vs ${esc(JSON.stringify(otherFlat!.get(k)))}</strong>` : ''}</dd></div>`)
    .join('')}</dl>`;
}

function curveSeries(data: ReportData, curves: MeanBandCurve[]): BandSeries[] {
  return curves.map((c) => ({ label: `${armName(data, c.arm)} (mean)`, color: ARM_COLORS[c.arm], x: c.x, mean: c.mean, lower: c.lower, upper: c.upper }));
}

function runsTable(data: ReportData): string {
  return (
    '<table id="runs"><caption>Runs</caption><thead><tr><th scope="col">run</th><th scope="col">name</th><th scope="col">arm</th><th scope="col">seed</th><th scope="col">status</th><th scope="col">backend</th><th scope="col">steps</th><th scope="col">ms / step</th><th scope="col">tags</th></tr></thead><tbody>' +
    data.runDetails
      .map(({ run }) => {
        const arm = data.arms.get(run.id) ?? run.loss;
        return `<tr><td class="text"><code>${esc(run.id)}</code></td><td class="text">${esc(run.name)}</td><td class="text ${arm}">${esc(armName(data, arm))}</td><td>${run.seed}</td><td class="text">${esc(run.status)}${run.error ? ` — ${esc(run.error)}` : ''}</td><td class="text">${esc(run.backend ?? '—')}</td><td>${run.step}/${run.totalSteps}</td><td>${num(run.finalMetrics.ms_per_step, 1)}</td><td class="text">${esc((run.tags ?? []).join(', '))}</td></tr>`;
      })
      .join('') +
    '</tbody></table>'
  );
}

/** The whole report as one HTML string. */
export function renderHtmlReport(data: ReportData): string {
  const { comparison, table } = data.detail;
  const d = data.dataset;
  const a = analyseReport(data);
  const title = comparison.name ?? `${armName(data, 'baseline')} vs ${armName(data, 'comparative')} on ${d.name}`;
  const backends = [...new Set(data.runDetails.map((r) => r.run.backend ?? 'unknown'))].join(', ');
  // The task's own headline metric (accuracy, Pearson r, micro F1) and the configured selection metric, where the table has them.
  const headline = [...new Set([CURVE_METRICS[analysisKindOf(d.task)][0], comparison.config.selectionMetric])]
    .map((m) => table.find((r) => r.metric === m))
    .filter((r): r is ComparisonTableRow => r?.stats !== undefined)
    .map((r) => `<p class="verdict"><strong>${esc(metricLabel(r.metric))}:</strong> ${esc(r.stats!.verdict)}</p>`)
    .join('');
  const arms = [...data.arms.values()];
  // Marked only where the arms differ beyond loss and seed (ad-hoc comparisons of a setting).
  const comparativeConfig = data.runDetails.find((r) => (data.arms.get(r.run.id) ?? r.run.loss) === 'comparative')?.run.config;
  const sameSettings = (a: RunConfig, b: RunConfig) => JSON.stringify(flatConfig({ ...a, loss: b.loss, seed: b.seed })) === JSON.stringify(flatConfig(b));
  const otherArmConfig = comparativeConfig && !sameSettings(comparison.config, comparativeConfig) ? comparativeConfig : undefined;
  const charts = [
    ...a.validation.map((v) => lineChartSvg(curveSeries(data, v.curves), { title: `Validation ${v.metric}`, xLabel: 'optimizer step', yLabel: v.metric, note: BAND_LABEL })),
    lineChartSvg(curveSeries(data, a.trainingLoss), { title: 'Training objective', xLabel: 'optimizer step', yLabel: 'loss', note: `${BAND_LABEL}; ${LIVE_TEXT}` }),
  ];
  const utility = a.utility.map((u) =>
    lineChartSvg(curveSeries(data, u.curves), {
      title: `Neuronal utility (${u.kind}): ${u.metric} by ablation level`,
      xLabel: u.kind === 'drop' ? 'ablation level k (dropout 1−(1−p)^k)' : 'crop level k',
      yLabel: u.metric,
      note: BAND_LABEL,
    }),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — Comparo report</title><style>${CSS}${QA_REPORT_CSS}</style></head>
<body>
<header><h1>${esc(title)}</h1>
<p class="muted">Comparo ${esc(data.appVersion)} report · comparison <code>${esc(comparison.id)}</code> (${esc(comparison.kind ?? 'seeded')}, ${esc(comparison.status)}) · created ${esc(comparison.createdAt)} · generated ${esc(data.generatedAt)}</p></header>
<section id="verdict"><h2>Verdict</h2>${headline ? `<p class="split">${esc(`Measured ${headlineSplitText(data.detail.headline)}.`)}</p>${headline}` : '<p class="muted">No statistics yet: no seed has both arms finished.</p>'}</section>
<section id="setup"><h2>Setup</h2><dl class="facts">
<dt>dataset</dt><dd>${esc(d.name)} <span class="muted">(${esc(d.fileName)}, ${esc(d.format)}, ${d.rows} rows: ${d.splits.train} train / ${d.splits.validation} validation${d.splits.test ? ` / ${d.splits.test} test` : ''})</span></dd>
<dt>data hash (SHA-256)</dt><dd><code>${esc(d.contentHash)}</code></dd>
<dt>task · labels</dt><dd>${esc(d.task ?? 'classification')} · ${esc(d.labels.join(', '))}</dd>
<dt>seeds</dt><dd>${esc(comparison.seeds.join(', '))} <span class="muted">(each seed gives both arms the same split, initialisation and data order)</span></dd>
<dt>arms</dt><dd><span class="baseline">${esc(armName(data, 'baseline'))}</span> (${arms.filter((x) => x === 'baseline').length} runs) vs <span class="comparative">${esc(armName(data, 'comparative'))}</span> (${arms.filter((x) => x === 'comparative').length} runs)</dd>
<dt>backend</dt><dd>${esc(backends)}</dd>
</dl>${configTable(comparison.config, otherArmConfig)}</section>
<section id="metrics"><h2>Results</h2>${resultsTable(data)}${statsTable(data)}</section>
<section id="curves"><h2>Curves</h2><p class="split">${esc(TRAJECTORY_TEXT)}</p><div class="grid">${charts.join('')}</div></section>
<section id="utility"><h2>Neuronal utility</h2>${utility.length ? `<p class="split">${esc(UTILITY_TEXT)}</p><div class="grid">${utility.join('')}</div><p class="muted">Metric of the final model with k nested ablations; a flatter curve means the model relies less on any one part of itself.</p>` : '<p class="muted">No utility measurement was stored.</p>'}</section>
${evaluationSections(data, (arm) => armName(data, arm))}
${qaExamplesSection(data, (arm) => armName(data, arm))}
<section id="runs-section"><h2>Runs</h2>${runsTable(data)}</section>
</body></html>
`;
}
