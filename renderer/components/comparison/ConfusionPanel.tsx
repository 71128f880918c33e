// Confusion matrices of both arms (summed over seeds) and their difference. Cell shading: counts
// by their share of the gold row; the difference by whether the change helps the comparative arm
// (more on the diagonal, fewer off it: green) or hurts it (red).
import type { CSSProperties } from 'react';
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { SplitNote } from './ViewNotes';

interface MatrixProps {
  title: string;
  labels: string[];
  matrix: number[][];
  testId: string;
  cellStyle: (value: number, gold: number, predicted: number) => CSSProperties;
  format?: (value: number) => string;
}

function Matrix({ title, labels, matrix, testId, cellStyle, format = String }: MatrixProps) {
  const name = (i: number) => labels[i] ?? `class ${i}`;
  return (
    <div className="table-scroll confusion-scroll">
      <table className="confusion-matrix" data-testid={testId}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col" className="confusion-corner">
              gold ↓ · predicted →
            </th>
            {matrix.map((_, p) => (
              <th key={p} scope="col" title={name(p)}>
                {name(p)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, g) => (
            <tr key={g}>
              <th scope="row" title={name(g)}>
                {name(g)}
              </th>
              {row.map((value, p) => (
                <td key={p} style={cellStyle(value, g, p)} className={g === p ? 'confusion-diagonal' : undefined} data-value={value}>
                  {format(value)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const shade = (color: string, share: number): CSSProperties => ({
  background: `color-mix(in srgb, ${color} ${Math.round(Math.min(1, Math.max(0, share)) * 70)}%, transparent)`,
});

export function ConfusionPanel({ analysis }: { analysis: ComparisonAnalysis }) {
  const { confusion, labels, armLabels } = analysis;
  if (confusion.baseline.length === 0 && confusion.comparative.length === 0) {
    return (
      <section className="card" aria-labelledby="confusion-heading" data-testid="view-confusion">
        <h2 id="confusion-heading">Confusion matrices</h2>
        <SplitNote>{analysis.evaluationNote}</SplitNote>
        <p className="muted">Confusion matrices appear after the first evaluation.</p>
      </section>
    );
  }
  const countStyle = (color: string, matrix: number[][]) => (value: number, gold: number) => {
    const rowTotal = matrix[gold].reduce((a, b) => a + b, 0);
    return shade(color, rowTotal > 0 ? value / rowTotal : 0);
  };
  const largestChange = Math.max(1, ...confusion.difference.flat().map(Math.abs));
  const differenceStyle = (value: number, gold: number, predicted: number): CSSProperties => {
    if (value === 0) return {};
    const helps = gold === predicted ? value > 0 : value < 0;
    return shade(helps ? 'var(--good)' : 'var(--bad)', Math.abs(value) / largestChange);
  };
  return (
    <section className="card" aria-labelledby="confusion-heading" data-testid="view-confusion">
      <h2 id="confusion-heading">Confusion matrices</h2>
      <SplitNote>{analysis.evaluationNote}</SplitNote>
      <p className="muted">
        Counts summed over {analysis.seeds.length} seed{analysis.seeds.length === 1 ? '' : 's'}; rows are the gold class, columns the prediction.
      </p>
      <div className="confusion-grid">
        <Matrix title={armLabels.baseline} labels={labels} matrix={confusion.baseline} testId="confusion-baseline" cellStyle={countStyle('var(--baseline)', confusion.baseline)} />
        <Matrix title={armLabels.comparative} labels={labels} matrix={confusion.comparative} testId="confusion-comparative" cellStyle={countStyle('var(--comparative)', confusion.comparative)} />
        <Matrix
          title={`Difference (${armLabels.comparative} − ${armLabels.baseline})`}
          labels={labels}
          matrix={confusion.difference}
          testId="confusion-difference"
          cellStyle={differenceStyle}
          format={(v) => (v > 0 ? `+${v}` : v < 0 ? `−${-v}` : '0')}
        />
      </div>
      <p className="muted confusion-legend">
        <span className="swatch swatch-good" aria-hidden="true" /> helps {armLabels.comparative} (more correct, fewer confusions){' '}
        <span className="swatch swatch-bad" aria-hidden="true" /> hurts it
      </p>
    </section>
  );
}
