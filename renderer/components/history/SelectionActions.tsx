// What can be done with the runs ticked in the history: compare them ad hoc, or delete them after
// a confirmation that names every run that goes (and what goes with it).
import { useState } from 'react';
import type { AppErrorValue } from '../../../shared/errors';
import type { HistoryNames } from '../../../shared/run-names';
import type { ComparisonSummary, RunSummary } from '../../../shared/schemas';
import { isActiveRunStatus } from '../../../shared/vocabulary';
import { getApi } from '../../api';
import { ErrorMessage } from '../ErrorMessage';
import { ConfirmDialog } from './ConfirmDialog';

interface SelectionActionsProps {
  selected: RunSummary[];
  /** Display names (shared/run-names.ts): the dialog names every run the way the list does. */
  names: HistoryNames;
  onClear: () => void;
  onCompared: (comparison: ComparisonSummary) => void;
  onDeleted: () => void;
}

export function SelectionActions({ selected, names, onClear, onCompared, onDeleted }: SelectionActionsProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorValue | null>(null);
  if (selected.length === 0) return null;

  const compare = async () => {
    setBusy(true);
    setError(null);
    const result = await getApi().invoke('comparisons.create', { runIds: selected.map((r) => r.id) });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    onCompared(result.value);
  };

  const remove = async () => {
    setBusy(true);
    setError(null);
    const result = await getApi().invoke('runs.delete', { ids: selected.map((r) => r.id) });
    setBusy(false);
    setConfirming(false);
    if (!result.ok) return setError(result.error);
    onDeleted();
  };

  const canCompare = selected.length >= 2 && selected.length <= 20;
  return (
    <div className="history-selection" data-testid="history-selection">
      <span>
        {selected.length} selected
      </span>
      <button
        type="button"
        className="button small primary"
        disabled={!canCompare || busy}
        title={canCompare ? 'Compare the selected finished runs (paired by seed where they can be)' : 'Select 2 to 20 runs to compare'}
        onClick={() => void compare()}
        data-testid="compare-selected"
      >
        Compare selected
      </button>
      <button type="button" className="button small danger" disabled={busy} onClick={() => setConfirming(true)} data-testid="delete-selected">
        Delete…
      </button>
      <button type="button" className="button small" onClick={onClear}>
        Clear
      </button>
      <ErrorMessage error={error} onDismiss={() => setError(null)} />
      {confirming && <ConfirmDeleteDialog runs={selected} nameOf={(r) => names.run(r.id) ?? r.name} busy={busy} onConfirm={() => void remove()} onCancel={() => setConfirming(false)} />}
    </div>
  );
}

interface ConfirmDeleteProps {
  runs: RunSummary[];
  nameOf: (run: RunSummary) => string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

function ConfirmDeleteDialog({ runs, nameOf, busy, onConfirm, onCancel }: ConfirmDeleteProps) {
  const active = runs.filter((r) => isActiveRunStatus(r.status));
  const plural = runs.length === 1 ? '' : 's';
  return (
    <ConfirmDialog title={`Delete ${runs.length} run${plural}?`} confirmLabel={`Delete ${runs.length} run${plural}`} busy={busy} onConfirm={onConfirm} onCancel={onCancel}>
      <p>These runs go for good, with their metrics, evaluations, predictions, neuronal utility and checkpoint files:</p>
      <ul className="confirm-list">
        {runs.map((r) => (
          <li key={r.id}>
            <strong>{nameOf(r)}</strong> <span className="muted">({r.id}, {r.status})</span>
          </li>
        ))}
      </ul>
      {active.length > 0 && (
        <p className="notice">
          {active.map(nameOf).join(', ')} {active.length === 1 ? 'is' : 'are'} still {active[0].status}: cancel {active.length === 1 ? 'it' : 'them'} first, or Comparo
          will refuse.
        </p>
      )}
      <p className="muted">Comparisons made of these runs lose them; an ad-hoc comparison left with fewer than two runs is removed.</p>
    </ConfirmDialog>
  );
}
