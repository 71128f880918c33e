// One question-answering example the comparative run changed: the question, the context with the
// gold answer(s) and both arms' predicted spans marked (shared/qa-spans.ts cuts the segments, so
// the report marks the same characters), and each arm's answer, probability and F1. Marks differ in
// shape (shading, solid and dashed underline) and name themselves to screen readers, so they do
// not rely on colour alone.
import { useState } from 'react';
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { answerSpans, contextWindow, markedSegments, markLegend, type SpanMark } from '../../../shared/qa-spans';

type Example = ComparisonAnalysis['examples']['fixed'][number];
type ArmLabels = { baseline: string; comparative: string };

const percent = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

/**
 * The stored confidence is the probability of what the arm answered (main/tasks/question-answering.ts):
 * of "no answer" when it abstained, of having an answer otherwise. One column reads better as the
 * probability of no answer for both, as the Playground shows it; the answer itself can win with a
 * high one, because the threshold is chosen on validation.
 */
const noAnswerProbability = (p: Example['baseline']) =>
  p.confidence === undefined ? undefined : p.answer === undefined || p.answer === '' ? p.confidence : 1 - p.confidence;

/** The legend above the examples: which line is which arm. */
export function QaMarkLegend({ armLabels }: { armLabels: ArmLabels }) {
  return (
    <ul className="qa-legend" data-testid="qa-legend" aria-label="How answers are marked in the context">
      {markLegend(armLabels).map((l) => (
        <li key={l.mark}>
          <span className={`qa-mark qa-mark-${l.mark}`}>sample</span> {l.text}
        </li>
      ))}
    </ul>
  );
}

export function QaExampleCard({ example, armLabels }: { example: Example; armLabels: ArmLabels }) {
  const [expanded, setExpanded] = useState(false);
  const context = example.context ?? '';
  const gold = example.answers ?? { text: [], answer_start: [] };
  const spans = answerSpans(context, gold, { baseline: example.baseline, comparative: example.comparative });
  const window = contextWindow(context, spans);
  const from = expanded ? 0 : window.from;
  const to = expanded ? context.length : window.to;
  const nameOf = (m: SpanMark) => (m === 'gold' ? 'gold answer' : `${armLabels[m]}’s answer`);
  return (
    <article className="qa-example" data-testid="qa-example" data-seed={example.seed} data-index={example.index}>
      <h3 className="qa-question">
        <span className="muted">
          Seed {example.seed} · #{example.index} ·{' '}
        </span>
        <span data-testid="qa-question">{example.text}</span>
      </h3>
      <p className="qa-gold">
        Gold: {gold.text.length === 0 ? <em>no answer (unanswerable)</em> : [...new Set(gold.text)].map((t, i) => <q key={i}>{t}</q>).reduce<React.ReactNode[]>((a, q, i) => (i === 0 ? [q] : [...a, ' or ', q]), [])}
      </p>
      <p className="qa-context" data-testid="qa-context">
        {from > 0 && '… '}
        {markedSegments(context, spans, from, to).map((s) =>
          s.marks.length === 0 ? (
            <span key={s.start}>{s.text}</span>
          ) : (
            <mark key={s.start} className={s.marks.map((m) => `qa-mark qa-mark-${m}`).join(' ')} data-marks={s.marks.join(' ')} title={s.marks.map(nameOf).join(', ')}>
              <span className="visually-hidden">[{s.marks.map(nameOf).join(', ')}: </span>
              {s.text}
              <span className="visually-hidden">]</span>
            </mark>
          ),
        )}
        {to < context.length && ' …'}
      </p>
      {window.clipped && (
        <button type="button" className="link-button" aria-expanded={expanded} onClick={() => setExpanded((e) => !e)} data-testid="qa-expand">
          {expanded ? 'Show the part around the answers' : `Show the whole context (${context.length} characters)`}
        </button>
      )}
      <table className="analysis-table qa-answers">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Answer</th>
            <th scope="col">P(no answer)</th>
            <th scope="col">F1</th>
            <th scope="col">Exact match</th>
          </tr>
        </thead>
        <tbody>
          {(['baseline', 'comparative'] as const).map((arm) => {
            const p = example[arm];
            return (
              <tr key={arm} data-testid={`qa-answer-${arm}`} className={p.predicted === 1 ? 'verdict-better' : 'verdict-worse'}>
                <th scope="row" className={`arm-${arm}-text`}>
                  {armLabels[arm]}
                </th>
                <td>{p.answer === undefined || p.answer === '' ? <em>no answer</em> : <q>{p.answer}</q>}</td>
                <td>{percent(noAnswerProbability(p))}</td>
                <td>{p.f1 === undefined ? '—' : p.f1.toFixed(2)}</td>
                <td>{p.predicted === 1 ? 'yes' : 'no'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </article>
  );
}
