import type { DatasetPreview as Preview } from '../../shared/schemas';
import { formatCount, formatDateTime } from '../lib/format';
import { LabelBars } from './LabelBars';

export function DatasetPreview({ preview }: { preview: Preview }) {
  const { dataset, rows } = preview;
  return (
    <section className="card dataset-preview" data-testid="dataset-preview">
      <header className="card-header">
        <h2>{dataset.name}</h2>
        <span className="muted">
          {dataset.fileName} · {dataset.format.toUpperCase()} · imported {formatDateTime(dataset.createdAt)}
        </span>
      </header>
      <dl className="facts">
        <div>
          <dt>Rows</dt>
          <dd data-testid="dataset-rows">{formatCount(dataset.rows)}</dd>
        </div>
        <div>
          <dt>Text column</dt>
          <dd>
            <code>{dataset.textColumn}</code>
          </dd>
        </div>
        <div>
          <dt>Label column</dt>
          <dd>
            <code>{dataset.labelColumn}</code>
          </dd>
        </div>
        <div>
          <dt>Training / validation</dt>
          <dd>
            {formatCount(dataset.splits.train)} / {formatCount(dataset.splits.validation)}
          </dd>
        </div>
      </dl>
      <h3>Labels</h3>
      <LabelBars counts={dataset.labelCounts} />
      <h3>First {rows.length} rows</h3>
      <div className="table-scroll">
        <table className="rows-table">
          <thead>
            <tr>
              <th>#</th>
              <th>{dataset.textColumn}</th>
              <th>{dataset.labelColumn}</th>
              <th>split</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index}>
                <td className="muted">{index + 1}</td>
                <td className="row-text" title={row.text}>
                  {row.text}
                </td>
                <td>
                  <span className="chip">{row.label}</span>
                </td>
                <td className="muted">{row.split}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
