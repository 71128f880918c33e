// The report's question-answering examples: questions whose exact match the comparative run gained
// or lost, each with the context around the answers and the gold / baseline / comparative spans
// marked. The marks are cut by shared/qa-spans.ts, the same function the app's Examples view uses
// (renderer/components/comparison/QaExampleCard.tsx), so both mark the same characters.
import { answerSpans, contextWindow, markedSegments, markLegend, type SpanMark } from '../../../shared/qa-spans';
import type { LossKind } from '../../../shared/schemas';
import type { ReportData } from './report-data';
import { esc } from './svg';

type Example = ReportData['views']['examples']['fixed'][number];
type ArmName = (arm: LossKind) => string;

/** How many examples of each kind the report lists (the app pages through all of them). */
const SHOWN = 5;

export const QA_REPORT_CSS = `
mark.qa { background: none; color: inherit; padding: 0 1px; } .qa-gold { background: rgba(46,160,67,.22) !important; }
.qa-baseline { text-decoration: underline solid #2f6fdb 2px; text-underline-offset: 3px; } .qa-comparative { border-bottom: 2px dashed #e8590c; padding-bottom: 3px; }
article.qa-example { border: 1px solid #e5e7eb; border-radius: 6px; padding: .5rem .8rem; margin: .6rem 0; } p.qa-context { line-height: 1.9; }
`;

function exampleHtml(e: Example, armName: ArmName): string {
  const context = e.context ?? '';
  const gold = e.answers ?? { text: [], answer_start: [] };
  const spans = answerSpans(context, gold, { baseline: e.baseline, comparative: e.comparative });
  const w = contextWindow(context, spans);
  const nameOf = (m: SpanMark) => (m === 'gold' ? 'gold answer' : `${armName(m)}’s answer`);
  const marked = markedSegments(context, spans, w.from, w.to)
    .map((s) => (s.marks.length === 0 ? esc(s.text) : `<mark class="qa ${s.marks.map((m) => `qa-${m}`).join(' ')}" title="${esc(s.marks.map(nameOf).join(', '))}">${esc(s.text)}</mark>`))
    .join('');
  const answer = (arm: 'baseline' | 'comparative') => {
    const p = e[arm];
    const text = p.answer ? `“${esc(p.answer)}”` : '<em>no answer</em>';
    return `<tr><th scope="row" class="${arm}">${esc(armName(arm))}</th><td class="text">${text}</td><td>${p.f1 === undefined ? '—' : p.f1.toFixed(2)}</td><td>${p.predicted === 1 ? 'yes' : 'no'}</td></tr>`;
  };
  const goldText = gold.text.length === 0 ? '<em>no answer (unanswerable)</em>' : [...new Set(gold.text)].map((t) => `“${esc(t)}”`).join(' or ');
  return (
    `<article class="qa-example"><h3>${esc(e.text)} <span class="muted">(seed ${e.seed}, #${e.index})</span></h3><p>Gold: ${goldText}</p>` +
    `<p class="qa-context">${w.from > 0 ? '… ' : ''}${marked}${w.to < context.length ? ' …' : ''}</p>` +
    `<table><thead><tr><th scope="col">run</th><th scope="col">answer</th><th scope="col">F1</th><th scope="col">exact match</th></tr></thead><tbody>${answer('baseline')}${answer('comparative')}</tbody></table></article>`
  );
}

/** The examples section for a QA comparison; empty for other tasks (their examples are the app's). */
export function qaExamplesSection(data: ReportData, armName: ArmName): string {
  const ex = data.views.examples;
  if (ex.mode !== 'answers') return '';
  const legend = markLegend({ baseline: armName('baseline'), comparative: armName('comparative') })
    .map((l) => `<span class="qa qa-${l.mark}">${esc(l.text)}</span>`)
    .join(' · ');
  const list = (title: string, items: Example[], total: number) =>
    `<h3>${esc(title)}: ${total}${total > items.length ? ` (first ${Math.min(items.length, SHOWN)} shown)` : ''}</h3>` +
    (items.length === 0 ? '<p class="muted">None.</p>' : items.slice(0, SHOWN).map((e) => exampleHtml(e, armName)).join(''));
  return (
    `<section id="examples"><h2>Answers that changed</h2><p class="split">${esc(data.views.evaluationNote)}</p><p>${legend}</p>` +
    list('Exact match gained by the comparative run', ex.fixed, ex.fixedTotal) +
    list('Exact match lost by the comparative run', ex.broken, ex.brokenTotal) +
    `</section>`
  );
}
