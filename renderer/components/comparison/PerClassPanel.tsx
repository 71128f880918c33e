// Precision, recall and F1 per class (per label, for multi-label) for both arms side by side,
// with comparative − baseline. With many classes: a filter box and sorting, in a scrolling table
// whose header stays visible.
import { useMemo, useState } from 'react';
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { analysisKindOf } from '../../../shared/comparison-views';
import { differenceVerdict, formatDifference, formatMetric } from '../../lib/format';
import { SplitNote } from './ViewNotes';

type Row = ComparisonAnalysis['perClass'][number];
type SortKey = 'label' | 'support' | 'deltaF1';
const SCORES = ['precision', 'recall', 'f1'] as const;
const SCORE_LABEL = { precision: 'Precision', recall: 'Recall', f1: 'F1' } as const;

// Fractions in [0, 1] read like accuracy: percentages, differences in percentage points.
const asFraction = (v: number | null | undefined) => formatMetric('accuracy', v);

export function PerClassPanel({ analysis }: { analysis: ComparisonAnalysis }) {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortKey>('support');
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const kept = analysis.perClass.filter((r) => r.label.toLowerCase().includes(needle));
    const by: Record<SortKey, (a: Row, b: Row) => number> = {
      label: (a, b) => a.label.localeCompare(b.label),
      support: (a, b) => b.support - a.support || a.label.localeCompare(b.label),
      deltaF1: (a, b) => (b.delta?.f1 ?? -Infinity) - (a.delta?.f1 ?? -Infinity),
    };
    return [...kept].sort(by[sort]);
  }, [analysis.perClass, filter, sort]);
  const { armLabels } = analysis;
  // Multi-label: each label is its own yes/no decision (threshold 0.5), scored on its own.
  const perLabel = analysisKindOf(analysis.task) === 'multilabel';
  const unit = perLabel ? 'label' : 'class';

  return (
    <section className="card" aria-labelledby="per-class-heading" data-testid="view-per-class">
      <h2 id="per-class-heading">Per {unit}: precision, recall and F1</h2>
      <SplitNote>{analysis.evaluationNote}</SplitNote>
      <p className="muted">
        Mean over seeds.
        {perLabel && ' Each label is its own yes/no decision; support counts the examples that carry the label, so the supports add up to more than the examples.'}
      </p>
      {analysis.perClass.length === 0 ? (
        <p className="muted">Per-{unit} scores appear after the first evaluation.</p>
      ) : (
        <>
          <div className="analysis-controls">
            {analysis.perClass.length > 8 && (
              <label>
                Find a {unit} <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
              </label>
            )}
            <label>
              Sort by{' '}
              <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
                <option value="support">support</option>
                <option value="label">name</option>
                <option value="deltaF1">F1 gain</option>
              </select>
            </label>
          </div>
          <div className="table-scroll analysis-scroll">
            <table className="analysis-table per-class-table" data-testid="per-class-table">
              <thead>
                <tr>
                  <th scope="col" rowSpan={2}>
                    {perLabel ? 'Label' : 'Class'}
                  </th>
                  <th scope="col" rowSpan={2}>
                    Support
                  </th>
                  {SCORES.map((s) => (
                    <th key={s} scope="colgroup" colSpan={3}>
                      {SCORE_LABEL[s]}
                    </th>
                  ))}
                </tr>
                <tr>
                  {SCORES.map((s) => [
                    <th key={`${s}b`} scope="col" className="arm-baseline-text">
                      {armLabels.baseline}
                    </th>,
                    <th key={`${s}c`} scope="col" className="arm-comparative-text">
                      {armLabels.comparative}
                    </th>,
                    <th key={`${s}d`} scope="col">
                      Δ
                    </th>,
                  ])}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.label} data-class={row.label}>
                    <th scope="row">{row.label}</th>
                    <td>{row.support}</td>
                    {SCORES.map((s) => {
                      const delta = row.delta?.[s];
                      const verdict = differenceVerdict('accuracy', delta);
                      return [
                        <td key={`${s}b`} data-arm="baseline">
                          {asFraction(row.baseline?.[s])}
                        </td>,
                        <td key={`${s}c`} data-arm="comparative">
                          {asFraction(row.comparative?.[s])}
                        </td>,
                        <td key={`${s}d`} className={`difference verdict-${verdict}`} data-arm="difference" data-value={delta ?? ''}>
                          {formatDifference('accuracy', delta)}
                        </td>,
                      ];
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
