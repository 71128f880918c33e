// The validation report of a dataset or of a file about to be imported: each finding with how
// many rows it concerns and where the first of them are (file:line:column), then the lengths.
import type { ValidationReport } from '../../shared/dataset-report';
import { SkippedRowsList } from './SkippedRowsList';

const SEVERITY_LABEL = { error: 'Problem', warning: 'Worth a look', info: 'Note' } as const;

export function ValidationReportPanel({ report }: { report: ValidationReport }) {
  const { lengths } = report;
  const peak = Math.max(1, ...lengths.histogram);
  return (
    <section className="card validation-report" data-testid="validation-report">
      <h2>Data checks</h2>
      {report.issues.length === 0 && <p className="muted">No duplicates, leakage or imbalance found in {report.rows} rows.</p>}
      <ul className="report-issues">
        {report.issues.map((issue) => (
          <li key={issue.kind} className={`report-issue ${issue.severity}`}>
            <strong>{SEVERITY_LABEL[issue.severity]}:</strong> {issue.message}
            {issue.count > 0 && <span className="muted"> · {issue.count} row{issue.count === 1 ? '' : 's'}</span>}
            {issue.locations.length > 0 && (
              <details>
                <summary>Where</summary>
                <ul className="report-locations">
                  {issue.locations.map((l) => (
                    <li key={`${l.file}:${l.line}:${l.column}`}>
                      <code>{`${l.file}:${l.line}:${l.column}`}</code>
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </li>
        ))}
      </ul>
      <SkippedRowsList report={report} />
      <p className="muted">
        Length in words: median {lengths.median}, 95% under {lengths.p95}, longest {lengths.max}; {lengths.overMaxLength} over the model's maximum
        of {lengths.maxLength}.
      </p>
      <div className="length-histogram" aria-label="Text length distribution">
        {lengths.histogram.map((count, i) => (
          <div key={i} className="length-bar" title={`${count} texts`} style={{ height: `${(100 * count) / peak}%`, display: 'inline-block', width: '10%', verticalAlign: 'bottom', background: i === 8 ? 'var(--bad, #c44)' : 'var(--accent, #58c)' }} />
        ))}
      </div>
    </section>
  );
}
