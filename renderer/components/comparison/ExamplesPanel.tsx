// The texts behind the aggregate numbers, paired by seed. Class tasks: examples the comparative
// run fixed (baseline wrong, comparative right) and broke (the reverse). Regression: examples
// whose |error| the comparative run made much smaller or much larger (shared/comparison-analysis.ts#errorChanges).
import { useMemo, useState } from 'react';
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { ERROR_MARGIN_SHARE } from '../../../shared/regression-analysis';
import { capitalise } from '../../lib/arm-labels';
import { QaExampleCard, QaMarkLegend } from './QaExampleCard';
import { NotApplicablePanel, SplitNote } from './ViewNotes';

type Kind = 'fixed' | 'broken';
type Example = ComparisonAnalysis['examples']['fixed'][number];

/** What the two lists are called, per mode. */
const KIND_LABEL = {
  correctness: { fixed: 'fixed', broken: 'broken' },
  error: { fixed: 'smaller error', broken: 'larger error' },
  answers: { fixed: 'fixed', broken: 'broken' },
} as const;

const value = (v: number) => String(Number(v.toPrecision(4)));

export function ExamplesPanel({ analysis }: { analysis: ComparisonAnalysis }) {
  const { examples, labels, armLabels } = analysis;
  const [kind, setKind] = useState<Kind>('fixed');
  const [seed, setSeed] = useState<number | 'all'>('all');
  const list = kind === 'fixed' ? examples.fixed : examples.broken;
  const total = kind === 'fixed' ? examples.fixedTotal : examples.brokenTotal;
  const shown = useMemo(() => (seed === 'all' ? list : list.filter((e) => e.seed === seed)), [list, seed]);
  if (examples.mode === 'none') return <NotApplicablePanel view="examples" heading="Examples the comparative run changed" reason={examples.note ?? ''} />;

  const byError = examples.mode === 'error';
  const names = KIND_LABEL[examples.mode];
  const labelOf = (i: number) => labels[i] ?? String(i);
  // Class tasks: the predicted class and its probability; regression: the value and its |error|.
  const prediction = (e: Example, arm: 'baseline' | 'comparative') => {
    const p = e[arm];
    if (byError) {
      const other = e[arm === 'baseline' ? 'comparative' : 'baseline'];
      return { text: value(p.predicted), detail: `|error| ${value(p.confidence)}`, good: p.confidence < other.confidence };
    }
    return { text: labelOf(p.predicted), detail: `${(p.confidence * 100).toFixed(0)}%`, good: p.predicted === e.gold };
  };

  return (
    <section className="card" aria-labelledby="examples-heading" data-testid="view-examples" data-mode={examples.mode}>
      <h2 id="examples-heading">{byError ? 'Examples whose error the comparative run changed most' : 'Examples fixed and broken by the comparative run'}</h2>
      <SplitNote>{analysis.evaluationNote}</SplitNote>
      {byError ? (
        <p className="muted">
          Paired by seed: listed where the {armLabels.comparative} run’s |error| is smaller (or larger) than the {armLabels.baseline} run’s of the same seed by more than{' '}
          {value(examples.margin ?? 0)} ({ERROR_MARGIN_SHARE * 100}% of the gold values’ standard deviation). Largest change first.
        </p>
      ) : (
        <p className="muted">
          Paired by seed: <strong>fixed</strong> means the {armLabels.baseline} run of a seed got the example wrong and the {armLabels.comparative} run of the same
          seed got it right; <strong>broken</strong> the reverse.
        </p>
      )}
      {examples.note && <p className="notice">{examples.note}</p>}
      <div className="table-scroll">
        <table className="analysis-table" data-testid="examples-per-seed">
          <caption>Per seed</caption>
          <thead>
            <tr>
              <th scope="col">Seed</th>
              <th scope="col">{capitalise(names.fixed)}</th>
              <th scope="col">{capitalise(names.broken)}</th>
              <th scope="col">Net</th>
              <th scope="col">Examples compared</th>
            </tr>
          </thead>
          <tbody>
            {examples.perSeed.map((s) => (
              <tr key={s.seed}>
                <th scope="row">{s.seed}</th>
                <td>{s.fixed}</td>
                <td>{s.broken}</td>
                <td className={s.fixed > s.broken ? 'verdict-better' : s.fixed < s.broken ? 'verdict-worse' : undefined}>{s.fixed - s.broken > 0 ? `+${s.fixed - s.broken}` : s.fixed - s.broken}</td>
                <td>{s.compared}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="analysis-controls">
        <div className="tabs" role="tablist" aria-label="Which examples">
          {(['fixed', 'broken'] as const).map((k) => (
            <button key={k} type="button" role="tab" aria-selected={kind === k} className={`tab${kind === k ? ' is-active' : ''}`} onClick={() => setKind(k)} data-testid={`examples-${k}-tab`}>
              {names[k]} ({k === 'fixed' ? examples.fixedTotal : examples.brokenTotal})
            </button>
          ))}
        </div>
        <label>
          Seed{' '}
          <select value={String(seed)} onChange={(e) => setSeed(e.target.value === 'all' ? 'all' : Number(e.target.value))} data-testid="examples-seed">
            <option value="all">all seeds</option>
            {analysis.seeds.map((s) => (
              <option key={s} value={s}>
                seed {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {total > list.length && (
        <p className="muted">
          Listing the first {list.length} of {total} “{names[kind]}” examples ({byError ? 'largest change first' : 'by seed, then position in the split'}).
        </p>
      )}
      {shown.length === 0 ? (
        <p className="muted" data-testid="examples-empty">
          No “{names[kind]}” examples{seed === 'all' ? '' : ` for seed ${seed}`}.
        </p>
      ) : examples.mode === 'answers' ? (
        <div data-testid="qa-examples">
          <QaMarkLegend armLabels={armLabels} />
          {shown.map((e) => (
            <QaExampleCard key={`${e.seed}-${e.index}`} example={e} armLabels={armLabels} />
          ))}
        </div>
      ) : (
        <div className="table-scroll analysis-scroll">
          <table className="analysis-table examples-table" data-testid="examples-table">
            <thead>
              <tr>
                <th scope="col">Seed</th>
                <th scope="col">#</th>
                <th scope="col">Text</th>
                <th scope="col">Gold</th>
                <th scope="col" className="arm-baseline-text">
                  {armLabels.baseline}
                </th>
                <th scope="col" className="arm-comparative-text">
                  {armLabels.comparative}
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr key={`${e.seed}-${e.index}`} data-testid="example-row">
                  <td>{e.seed}</td>
                  <td>{e.index}</td>
                  <td className="example-text">{e.text}</td>
                  <td>{byError ? value(e.gold) : labelOf(e.gold)}</td>
                  {(['baseline', 'comparative'] as const).map((arm) => {
                    const p = prediction(e, arm);
                    return (
                      <td key={arm} className={p.good ? 'verdict-better' : 'verdict-worse'}>
                        {p.text} <span className="muted">{p.detail}</span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
