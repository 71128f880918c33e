// The whole comparison at a glance while it trains: one bar over every run's steps, with an
// estimate of the time left; and, when it finishes while open, a line that says so (plus a
// system notification when the person has allowed them for this page).
import { useEffect, useRef, useState } from 'react';
import { isActiveRunStatus } from '../../shared/vocabulary';
import { getApi } from '../api';
import type { ComparisonSummary, RunSummary } from '../../shared/schemas';
import { comparisonProgress } from '../lib/comparison-progress';
import { phaseSummary, shownPercent } from '../lib/run-phase-text';
import { formatDuration } from '../lib/format';
import type { LiveProgress } from '../lib/useRunTraces';

interface Props {
  comparison: ComparisonSummary;
  runs: RunSummary[];
  live: ReadonlyMap<string, LiveProgress>;
  /** After a pause / cancel of every run (the view reloads its runs). */
  onChanged: () => void;
}

/** Pause every running run, or (asked first) cancel every unfinished one. */
function AllRunsControls({ runs, onChanged }: { runs: RunSummary[]; onChanged: () => void }) {
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const act = async (channel: 'runs.pause' | 'runs.cancel', ids: string[]) => {
    setBusy(true);
    for (const id of ids) await getApi().invoke(channel, { id });
    setBusy(false);
    setConfirm(false);
    onChanged();
  };
  const running = runs.filter((r) => r.status === 'running' && r.phase !== 'pausing' && r.phase !== 'cancelling').map((r) => r.id);
  const unfinished = runs.filter((r) => isActiveRunStatus(r.status)).map((r) => r.id);
  return (
    <span className="comparison-controls">
      {running.length > 0 && (
        <button type="button" className="button small" data-testid="pause-all" disabled={busy} onClick={() => void act('runs.pause', running)}>
          Pause all
        </button>
      )}
      {confirm ? (
        <>
          <button type="button" className="button small danger" data-testid="cancel-all-confirm" disabled={busy} onClick={() => void act('runs.cancel', unfinished)}>
            Stop all {unfinished.length} unfinished runs
          </button>
          <button type="button" className="button small" onClick={() => setConfirm(false)}>
            Keep training
          </button>
        </>
      ) : (
        <button type="button" className="button small danger" data-testid="cancel-all" disabled={busy || unfinished.length === 0} onClick={() => setConfirm(true)}>
          Cancel all…
        </button>
      )}
    </span>
  );
}

export function ComparisonProgressBar({ comparison, runs, live, onChanged }: Props) {
  const wasRunning = useRef(comparison.status === 'running');
  const [finishedHere, setFinishedHere] = useState(false);
  useEffect(() => {
    if (wasRunning.current && comparison.status !== 'running') {
      setFinishedHere(true);
      const notify = (globalThis as { Notification?: { permission: string; new (title: string, o: { body: string }): unknown } }).Notification;
      if (notify?.permission === 'granted') new notify('Comparo: comparison finished', { body: `It is ${comparison.status}.` });
    }
    wasRunning.current = comparison.status === 'running';
  }, [comparison.status]);

  if (comparison.status !== 'running') {
    return finishedHere ? (
      <p className="notice" role="status" data-testid="comparison-done">
        The comparison is {comparison.status}: the results are below.
      </p>
    ) : null;
  }
  const parallel = Math.max(1, runs.filter((r) => r.status === 'running').length);
  const { done, total, etaMs } = comparisonProgress(runs, live, parallel);
  const share = total > 0 ? done / total : 0;
  const finishedRuns = runs.filter((r) => r.status !== 'running' && r.status !== 'queued' && r.status !== 'paused').length;
  const phases = phaseSummary(runs);
  return (
    <div className="comparison-progress" data-testid="comparison-progress" data-done={done} data-total={total}>
      <div className="progress-track" role="progressbar" aria-label="Comparison progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
        <div className="progress-fill arm-comparative" style={{ width: `${share * 100}%` }} />
      </div>
      <div className="comparison-progress-line">
        <span className="muted" data-testid="comparison-eta">
          {shownPercent(done, total, runs.length - finishedRuns)}% · {finishedRuns} of {runs.length} runs finished · {etaMs === null ? 'measuring speed…' : `about ${formatDuration(etaMs)} left`}
          {phases && <span data-testid="comparison-phases"> · {phases}</span>}
        </span>
        <AllRunsControls runs={runs} onChanged={onChanged} />
      </div>
    </div>
  );
}
