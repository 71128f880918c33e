// The report's sections read from one evaluation per run (the same answer as the app's Per class,
// Confusion and Scatter views: ComparisonAnalysisService.evaluationViews), chosen by the dataset's
// task (shared/comparison-views.ts): per-class or per-label scores, confusion matrices for class
// tasks, predicted-vs-gold scatters and residuals for regression, and the reason where one does not apply.
import { paddedRange } from '../../../shared/chart-scale';
import { comparisonViews } from '../../../shared/comparison-views';
import { metricIsLowerBetter } from '../../../shared/verdict';
import type { LossKind } from '../../../shared/schemas';
import type { ReportData } from './report-data';
import { ARM_COLORS, esc, histogramSvg, matrixTable, scatterSvg } from './svg';

type Views = ReportData['views'];
type ArmName = (arm: LossKind) => string;

const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

function deltaClass(metric: string, d: number | null): string {
  if (d === null || d === 0 || !Number.isFinite(d)) return '';
  return (metricIsLowerBetter(metric) ? d < 0 : d > 0) ? 'better' : 'worse';
}

const notApplicable = (reason: string) => `<p class="notice">Does not apply to this dataset. ${esc(reason)}</p>`;
const splitNote = (views: Views) => `<p class="split">${esc(views.evaluationNote)}</p>`;

function perClassTable(views: Views, unit: string, armName: ArmName): string {
  const rows = views.perClass;
  if (rows.length === 0) return `<p class="muted">No per-${unit} scores were stored.</p>`;
  const cell = (v: number | undefined) => `<td>${num(v, 3)}</td>`;
  const delta = (v: number | undefined) => `<td class="${deltaClass('f1', v ?? null)}">${v === undefined ? '—' : `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(3)}`}</td>`;
  return (
    `<table id="per-class"><caption>Per ${unit}, mean over seeds</caption><thead>` +
    `<tr><th colspan="2"></th><th colspan="3" scope="colgroup" class="baseline">${esc(armName('baseline'))}</th><th colspan="3" scope="colgroup" class="comparative">${esc(armName('comparative'))}</th><th colspan="3" scope="colgroup">comparative − baseline</th></tr>` +
    `<tr><th scope="col">${unit}</th><th scope="col">support</th>` +
    `<th scope="col" class="baseline">P</th><th scope="col" class="baseline">R</th><th scope="col" class="baseline">F1</th>` +
    `<th scope="col" class="comparative">P</th><th scope="col" class="comparative">R</th><th scope="col" class="comparative">F1</th><th scope="col">Δ P</th><th scope="col">Δ R</th><th scope="col">Δ F1</th></tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr><th scope="row">${esc(r.label)}</th><td>${r.support}</td>${cell(r.baseline?.precision)}${cell(r.baseline?.recall)}${cell(r.baseline?.f1)}` +
          `${cell(r.comparative?.precision)}${cell(r.comparative?.recall)}${cell(r.comparative?.f1)}${delta(r.delta?.precision)}${delta(r.delta?.recall)}${delta(r.delta?.f1)}</tr>`,
      )
      .join('') +
    `</tbody></table>`
  );
}

function confusionMatrices(views: Views, labels: readonly string[], armName: ArmName): string {
  const { baseline, comparative, difference } = views.confusion;
  if (baseline.length === 0 || comparative.length === 0) return '<p class="muted">No confusion matrices were stored (runs without evaluations).</p>';
  return (
    `<div class="grid">${matrixTable(baseline, labels, { caption: `${armName('baseline')}: summed over seeds` })}` +
    `${matrixTable(comparative, labels, { caption: `${armName('comparative')}: summed over seeds` })}` +
    `${matrixTable(difference, labels, { caption: 'comparative − baseline (more on the diagonal is better)', signed: true })}</div>`
  );
}

function scatterFigures(views: Views, armName: ArmName): string {
  const scatter = views.scatter;
  if (!scatter || scatter.arms.length === 0) return '<p class="muted">No predictions were stored (runs without evaluations).</p>';
  const domain = paddedRange(scatter.arms.flatMap((a) => [...a.gold, ...a.predicted]));
  const charts = scatter.arms.map((a) =>
    scatterSvg(
      a.gold.map((x, i) => ({ x, y: a.predicted[i] })),
      {
        title: `${armName(a.arm)}: predicted against gold`,
        xLabel: 'gold value',
        yLabel: 'predicted value',
        color: ARM_COLORS[a.arm],
        domain,
        note: a.gold.length < a.total ? `${a.gold.length} of ${a.total} points; dashed: exact` : 'dashed: exact',
      },
    ),
  );
  const histogram = histogramSvg(
    scatter.residuals.edges,
    scatter.residuals.arms.map((a) => ({ label: armName(a.arm), color: ARM_COLORS[a.arm], counts: a.counts })),
    { title: 'Residuals: predicted − gold', xLabel: 'residual', yLabel: 'examples × seeds', note: scatter.residuals.clipped ? 'the outer bars also count residuals beyond them' : undefined },
  );
  const summary =
    '<table id="regression-errors"><caption>Errors per arm, pooled over seeds</caption><thead><tr><th scope="col">arm</th><th scope="col">points</th><th scope="col">mean |error|</th><th scope="col">RMSE</th><th scope="col">bias (mean predicted − gold)</th></tr></thead><tbody>' +
    scatter.arms.map((a) => `<tr><th scope="row" class="${a.arm}">${esc(armName(a.arm))}</th><td>${a.total}</td><td>${num(a.mae)}</td><td>${num(a.rmse)}</td><td>${num(a.bias)}</td></tr>`).join('') +
    '</tbody></table>';
  return `<div class="grid">${charts.join('')}${histogram}</div>${summary}`;
}

/** The per-class section and the confusion (or, for regression, scatter) section, for the dataset's task. */
export function evaluationSections(data: ReportData, armName: ArmName): string {
  const views = data.views;
  const plans = comparisonViews(views.task);
  const perClass = plans.find((p) => p.id === 'per-class')!;
  const errors = plans.find((p) => p.id === 'confusion' || p.id === 'scatter')!;
  const unit = perClass.label === 'Per label' ? 'label' : 'class';
  const perClassBody = perClass.notApplicable ? notApplicable(perClass.notApplicable) : splitNote(views) + perClassTable(views, unit, armName);
  const errorsBody = errors.notApplicable
    ? notApplicable(errors.notApplicable)
    : splitNote(views) + (errors.id === 'scatter' ? scatterFigures(views, armName) : confusionMatrices(views, data.dataset.labels, armName));
  const errorsHeading = errors.id === 'scatter' ? 'Predicted against gold' : 'Confusion matrices';
  return (
    `<section id="per-class-section"><h2>${esc(perClass.label)}</h2>${perClassBody}</section>` +
    `<section id="${errors.id}"><h2>${errorsHeading}</h2>${errorsBody}</section>`
  );
}
