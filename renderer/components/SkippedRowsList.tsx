// The rows an import left out under "skip bad rows", each as file:line:column and why. A file can
// skip thousands, so the list shows the first few and says how many more there are; the report
// keeps the first 1000 (main/services/import/source-text.ts) and counts all of them.
import type { ValidationReport } from '../../shared/dataset-report';

/** Enough to see what kind of problem it is, short enough to stay a list. */
const SHOWN = 50;

export function SkippedRowsList({ report }: { report: ValidationReport }) {
  const total = report.skippedCount ?? report.skipped.length;
  if (total === 0) return null;
  const shown = report.skipped.slice(0, SHOWN);
  const more = total - shown.length;
  return (
    <details className="skipped-rows" data-testid="skipped-rows" open>
      <summary>
        {total} skipped row{total === 1 ? '' : 's'}, not imported
      </summary>
      <ul className="report-locations">
        {shown.map((s) => (
          <li key={`${s.file}:${s.line}:${s.column}`}>
            <code>{`${s.file}:${s.line}:${s.column}`}</code> {s.reason}
          </li>
        ))}
      </ul>
      {more > 0 && <p className="muted" data-testid="skipped-rows-more">and {more} more</p>}
    </details>
  );
}
