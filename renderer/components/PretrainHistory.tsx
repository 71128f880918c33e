// This dataset's pretraining runs, from the history (pretraining.list): what each started from,
// how far it got, its held-out loss, and what can be done with it — use a finished folder as the
// starting model, resume a paused or interrupted one from its checkpoint.
import { useEffect, useState } from 'react';
import type { PretrainRun } from '../../shared/pretrain-protocol';
import { formatDateTime } from '../lib/format';

interface PretrainHistoryProps {
  runs: PretrainRun[];
  /** The run this card is driving now (its row shows no buttons: the card above has them). */
  activeId: string | null;
  onUse: (run: PretrainRun) => void;
  onResume: (run: PretrainRun) => void;
}

const STATUS_WORDS: Record<PretrainRun['status'], string> = {
  running: 'running',
  paused: 'paused',
  completed: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted (the app closed)',
};

/** A folder by its last part (the full path is the tooltip); a model name or hub id as it is. */
const shortName = (model: string) => (/^([A-Za-z]:)?[\\/]/.test(model) ? (model.split(/[\\/]/).filter(Boolean).pop() ?? model) : model);

export function PretrainHistory({ runs, activeId, onUse, onResume }: PretrainHistoryProps) {
  const [open, setOpen] = useState(false);
  const anyResumable = runs.some((r) => r.resumable);
  // A run that can be resumed is worth showing; the list stays as the person left it otherwise.
  useEffect(() => {
    if (anyResumable) setOpen(true);
  }, [anyResumable]);
  if (runs.length === 0) return null;
  return (
    <details className="pretrain-history" data-testid="pretrain-history" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Earlier adaptations of this dataset ({runs.length})</summary>
      <ul>
        {runs.map((run) => (
          <li key={run.id} data-testid="pretrain-run" data-status={run.status}>
            <span>
              <span title={run.model}>{shortName(run.model)}</span> · {STATUS_WORDS[run.status]} at step {run.step} of {run.steps}
              {run.validationLoss !== null ? ` · held-out masked-word loss ${run.validationLoss.toFixed(3)}` : ''} · {formatDateTime(run.createdAt)}
            </span>{' '}
            {run.id !== activeId && run.status === 'completed' && (
              <button type="button" className="button small secondary" data-testid="pretrain-use" onClick={() => onUse(run)}>
                Fine-tune from it
              </button>
            )}
            {run.id !== activeId && run.resumable && (
              <button type="button" className="button small secondary" data-testid="pretrain-resume" onClick={() => onResume(run)}>
                Resume
              </button>
            )}
            {run.error && run.status === 'failed' && <span className="muted"> {run.error}</span>}
          </li>
        ))}
      </ul>
    </details>
  );
}
