// One run's live state and controls. The row carries data-status so tests and scripts can wait on it.
import { useState } from 'react';
import type { Channel } from '../../shared/contract';
import type { AppErrorValue } from '../../shared/errors';
import type { RunSummary } from '../../shared/schemas';
import { isActiveRunStatus } from '../../shared/vocabulary';
import { getApi } from '../api';
import { formatDuration } from '../lib/format';
import type { LiveProgress } from '../lib/useRunTraces';
import { ErrorMessage } from './ErrorMessage';
import { RunExport } from './RunExport';
import { StatusChip } from './StatusChip';

interface RunRowProps {
  run: RunSummary;
  progress: LiveProgress | undefined;
  onChanged: () => void;
}

type ControlChannel = Extract<Channel, 'runs.pause' | 'runs.resume' | 'runs.cancel'>;

export function RunRow({ run, progress, onChanged }: RunRowProps) {
  const [pending, setPending] = useState<ControlChannel | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const [exportOpen, setExportOpen] = useState(false);
  // Cancelling throws away the training so far: the first click asks, the second does it.
  const [confirmCancel, setConfirmCancel] = useState(false);

  // Live events run ahead of the stored summary; never show progress going backwards.
  const step = Math.max(run.step, progress?.step ?? 0);
  const totalSteps = Math.max(run.totalSteps, progress?.totalSteps ?? 0);
  const fraction = run.status === 'completed' ? 1 : totalSteps > 0 ? Math.min(1, step / totalSteps) : 0;
  const timeLeft = run.status === 'running' && progress ? formatDuration(progress.etaMs) : null;

  const control = async (channel: ControlChannel) => {
    setPending(channel);
    setError(null);
    const result = await getApi().invoke(channel, { id: run.id });
    setPending(null);
    if (!result.ok) setError(result.error);
    onChanged();
  };

  return (
    <li className="run-row" data-testid="run-row" data-status={run.status} data-run-id={run.id}>
      <div className="run-row-main">
        <div className="run-name" title={`${run.loss} loss, seed ${run.seed}`}>
          <span className={`arm-dot arm-${run.loss}`} aria-hidden="true" />
          <strong>{run.name}</strong>
        </div>
        <StatusChip status={run.status} />
        <span className="muted run-backend" title={`Compute backend the trainer picked${run.backend ? `: ${run.backend}` : ''}`}>
          {run.backend ?? '—'}
        </span>
        <div className="run-progress">
          <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={totalSteps} aria-valuenow={step}>
            <div className={`progress-fill arm-${run.loss}`} style={{ width: `${fraction * 100}%` }} />
          </div>
          <span className="muted progress-text">
            {totalSteps > 0 ? `${step} / ${totalSteps}` : 'waiting'}
            {timeLeft && ` · ${timeLeft} left`}
          </span>
        </div>
        <div className="run-controls">
          {run.status === 'running' && (
            <button type="button" className="button small" disabled={pending !== null} onClick={() => void control('runs.pause')}>
              Pause
            </button>
          )}
          {run.status === 'paused' && (
            <button type="button" className="button small" disabled={pending !== null} onClick={() => void control('runs.resume')}>
              Resume
            </button>
          )}
          {isActiveRunStatus(run.status) &&
            (confirmCancel ? (
              <>
                <button type="button" className="button small danger" data-testid="run-cancel-confirm" disabled={pending !== null} onClick={() => void control('runs.cancel').then(() => setConfirmCancel(false))}>
                  Stop this run
                </button>
                <button type="button" className="button small" onClick={() => setConfirmCancel(false)}>
                  Keep training
                </button>
              </>
            ) : (
              <button type="button" className="button small danger" data-testid="run-cancel" disabled={pending !== null} onClick={() => setConfirmCancel(true)}>
                Cancel…
              </button>
            ))}
          {run.status === 'completed' && (
            <button type="button" className="button small" data-testid="run-export-toggle" aria-expanded={exportOpen} onClick={() => setExportOpen((open) => !open)}>
              Export model
            </button>
          )}
        </div>
      </div>
      {exportOpen && run.status === 'completed' && <RunExport run={run} />}
      {run.error && <ErrorMessage title="The run failed" error={run.error} />}
      <ErrorMessage error={error} onDismiss={() => setError(null)} />
    </li>
  );
}
