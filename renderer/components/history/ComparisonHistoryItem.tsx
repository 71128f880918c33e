// One comparison in the history: its link (named by what differs, shared/run-names.ts), a toggle
// that shows its runs underneath, and inline rename / delete (after a confirmation that says what
// happens to its runs: a seeded comparison's runs stay as single runs unless chosen).
import { useState, type FormEvent, type ReactNode } from 'react';
import type { AppErrorValue } from '../../../shared/errors';
import type { ComparisonSummary } from '../../../shared/schemas';
import { getApi } from '../../api';
import { formatDateTime } from '../../lib/format';
import { navigate, routeHref } from '../../lib/route';
import { ErrorMessage } from '../ErrorMessage';
import { StatusChip } from '../StatusChip';
import { ConfirmDialog } from './ConfirmDialog';

interface ComparisonHistoryItemProps {
  comparison: ComparisonSummary;
  /** Its display name: the person's name, or the generated one. */
  title: string;
  datasetName: string | undefined;
  active: boolean;
  onChanged: () => void;
  expanded: boolean;
  onToggleExpanded: () => void;
  /** Its runs, shown when expanded. */
  children?: ReactNode;
}

export function ComparisonHistoryItem({ comparison, title, datasetName, active, onChanged, expanded, onToggleExpanded, children }: ComparisonHistoryItemProps) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(comparison.name ?? '');
  const [confirming, setConfirming] = useState(false);
  const [withRuns, setWithRuns] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const adhoc = comparison.kind === 'adhoc';

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const result = await getApi().invoke('comparisons.update', { id: comparison.id, name: name.trim() ? name : null });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setEditing(false);
    onChanged();
  };

  const remove = async () => {
    setBusy(true);
    const result = await getApi().invoke('comparisons.delete', { id: comparison.id, deleteRuns: withRuns });
    setBusy(false);
    setConfirming(false);
    if (!result.ok) return setError(result.error);
    if (active) navigate({ view: 'import' });
    onChanged();
  };

  return (
    <li className="history-run history-group" data-history-comparison-item={comparison.id} data-expanded={expanded ? 'true' : 'false'}>
      <div className="history-run-row">
        <button
          type="button"
          className="history-toggle"
          aria-expanded={expanded}
          aria-controls={`history-group-${comparison.id}`}
          aria-label={`${expanded ? 'Hide' : 'Show'} the runs of ${title}`}
          onClick={onToggleExpanded}
          data-testid="comparison-expand"
        >
          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
        </button>
        <a href={routeHref({ view: 'comparison', id: comparison.id })} className={`history-item${active ? ' is-current' : ''}`} data-history-comparison={comparison.id}>
          <span className="history-title" title={`${title}${datasetName ? ` (dataset ${datasetName})` : ''}`} data-testid="comparison-name">
            {title}
          </span>
          <span className="history-meta">
            <StatusChip status={comparison.status} />
            <span className="muted">
              {adhoc ? `ad hoc · ${comparison.runIds.length} runs` : `${comparison.seeds.length}×2 runs`} · {formatDateTime(comparison.createdAt)}
            </span>
          </span>
        </a>
        {!editing && (
          <button type="button" className="button small ghost" onClick={() => setEditing(true)} aria-label={`Rename or delete ${title}`} data-testid="comparison-edit">
            Edit
          </button>
        )}
      </div>
      {editing && (
        <form className="history-edit" onSubmit={(e) => void rename(e)} onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}>
          <label>
            Name <span className="muted">(empty: named by its settings and date)</span>
            <input value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={200} data-testid="comparison-rename-input" />
          </label>
          <div className="history-edit-actions">
            <button type="button" className="button small danger" disabled={busy || comparison.status === 'running'} onClick={() => setConfirming(true)}>
              Delete…
            </button>
            <button type="submit" className="button small primary" disabled={busy}>
              Save
            </button>
            <button type="button" className="button small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
          <ErrorMessage error={error} onDismiss={() => setError(null)} />
        </form>
      )}
      {expanded && (
        <ul className="history-group-runs" id={`history-group-${comparison.id}`} aria-label={`Runs of ${title}`}>
          {children}
        </ul>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete the comparison “${title}”?`}
          confirmLabel={withRuns ? `Delete it and its ${comparison.runIds.length} runs` : 'Delete the comparison'}
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
          testId="confirm-delete-comparison"
        >
          {adhoc ? (
            <p>Its {comparison.runIds.length} runs were chosen from the history and stay there.</p>
          ) : (
            <label className="confirm-option">
              <input type="checkbox" checked={withRuns} onChange={(e) => setWithRuns(e.target.checked)} /> Also delete its {comparison.runIds.length} runs (metrics,
              predictions and checkpoint files); otherwise they stay in the history as single runs.
            </label>
          )}
        </ConfirmDialog>
      )}
    </li>
  );
}
