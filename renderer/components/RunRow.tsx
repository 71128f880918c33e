// One run's live state and controls. The row carries data-status so tests and scripts can wait on it.
import { useState } from 'react';
import type { Channel } from '../../shared/contract';
import type { AppErrorValue } from '../../shared/errors';
import type { RunSummary } from '../../shared/schemas';
import { isActiveRunStatus } from '../../shared/vocabulary';
import { getApi } from '../api';
import { formatDuration } from '../lib/format';
import { routeHref } from '../lib/route';
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
  const phase = run.status === 'running' ? run.phase : undefined;
  // Early stopping ends a run before its planned steps (shared/training-budget.ts): a full bar with "48 / 152" reads as a bug.
  const stoppedEarly = run.status === 'completed' && step < totalSteps;
  const timeLeft = run.status === 'running' && progress && (phase ?? 'training') === 'training' ? formatDuration(progress.etaMs) : null;
  // Steps done but not yet a result, or asked to stop: say what it waits for instead of a frozen bar.
  const phaseText = phase === 'evaluating' ? 'evaluating…' : phase === 'pausing' ? 'pausing after this step…' : phase === 'cancelling' ? 'stopping…' : null;
  const waitingText = run.status === 'queued' && step > 0 ? 'waiting for a trainer slot' : null;

  const control = async (channel: ControlChannel) => {
    setPending(channel);
    setError(null);
    const result = await getApi().invoke(channel, { id: run.id });
    setPending(null);
    if (!result.ok) setError(result.error);
    onChanged();
  };

  return (
    <li className="run-row" data-testid="run-row" data-status={run.status} data-phase={phase ?? undefined} data-run-id={run.id} data-seed={run.seed}>
      <div className="run-row-main">
        <div className="run-name" title={`${run.loss} loss, seed ${run.seed}`}>
          <span className={`arm-dot arm-${run.loss}`} aria-hidden="true" />
          <a href={routeHref({ view: 'run', id: run.id })} data-testid="run-page-link">
            <strong>{run.name}</strong>
          </a>
        </div>
        <StatusChip status={run.status} phase={phase} />
        <span className="muted run-backend" title={`Compute backend the trainer picked${run.backend ? `: ${run.backend}` : ''}`}>
          {run.backend ?? '—'}
        </span>
        <div className="run-progress">
          <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={totalSteps} aria-valuenow={step}>
            <div className={`progress-fill arm-${run.loss}`} style={{ width: `${fraction * 100}%` }} />
          </div>
          <span className="muted progress-text" title={stoppedEarly ? 'Validation stopped improving, so training ended before the planned steps (early stopping); the best checkpoint is the result.' : undefined}>
            {totalSteps > 0 ? (stoppedEarly ? `${step} / ${totalSteps} · stopped early` : `${step} / ${totalSteps}`) : 'waiting'}
            {timeLeft && ` · ${timeLeft} left`}
            {(phaseText ?? waitingText) && <span data-testid="run-phase"> · {phaseText ?? waitingText}</span>}
          </span>
        </div>
        <div className="run-controls">
          {run.status === 'running' && (phase ?? 'training') !== 'pausing' && phase !== 'cancelling' && (
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
