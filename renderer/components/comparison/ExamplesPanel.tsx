// Validation examples the comparative run fixed (baseline wrong, comparative right, same seed)
// and broke (the reverse): the texts behind the aggregate numbers.
import { useMemo, useState } from 'react';
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';

type Kind = 'fixed' | 'broken';

export function ExamplesPanel({ analysis }: { analysis: ComparisonAnalysis }) {
  const { examples, labels, armLabels } = analysis;
  const [kind, setKind] = useState<Kind>('fixed');
  const [seed, setSeed] = useState<number | 'all'>('all');
  const list = kind === 'fixed' ? examples.fixed : examples.broken;
  const total = kind === 'fixed' ? examples.fixedTotal : examples.brokenTotal;
  const shown = useMemo(() => (seed === 'all' ? list : list.filter((e) => e.seed === seed)), [list, seed]);
  const labelOf = (i: number) => labels[i] ?? String(i);
  const confidence = (c: number) => `${(c * 100).toFixed(0)}%`;

  return (
    <section className="card" aria-labelledby="examples-heading" data-testid="view-examples">
      <h2 id="examples-heading">Examples fixed and broken by the comparative run</h2>
      <p className="muted">
        Paired by seed: <strong>fixed</strong> means the {armLabels.baseline} run of a seed got the example wrong and the {armLabels.comparative} run of the same
        seed got it right; <strong>broken</strong> the reverse. {analysis.evaluationNote}
      </p>
      {examples.note && <p className="notice">{examples.note}</p>}
      <div className="table-scroll">
        <table className="analysis-table" data-testid="examples-per-seed">
          <caption>Per seed</caption>
          <thead>
            <tr>
              <th scope="col">Seed</th>
              <th scope="col">Fixed</th>
              <th scope="col">Broken</th>
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
              {k} ({k === 'fixed' ? examples.fixedTotal : examples.brokenTotal})
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
          Listing the first {list.length} of {total} {kind} examples (by seed, then validation position).
        </p>
      )}
      {shown.length === 0 ? (
        <p className="muted" data-testid="examples-empty">
          No {kind} examples{seed === 'all' ? '' : ` for seed ${seed}`}.
        </p>
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
                  <td>{labelOf(e.gold)}</td>
                  <td className={e.baseline.predicted === e.gold ? 'verdict-better' : 'verdict-worse'}>
                    {labelOf(e.baseline.predicted)} <span className="muted">{confidence(e.baseline.confidence)}</span>
                  </td>
                  <td className={e.comparative.predicted === e.gold ? 'verdict-better' : 'verdict-worse'}>
                    {labelOf(e.comparative.predicted)} <span className="muted">{confidence(e.comparative.confidence)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
