// Runs left unfinished when Comparo last closed or crashed: the services mark them 'interrupted'
// when they open, and this banner offers them for resume ('runs.resume' starts them again).
// Same in the desktop app and in browser mode: it only reads the history's run list.
import { useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import type { RunSummary } from '../../shared/schemas';
import { getApi } from '../api';
import { routeHref } from '../lib/route';
import { ErrorMessage } from './ErrorMessage';
import '../styles/interrupted.css';

interface InterruptedRunsBannerProps {
  runs: readonly RunSummary[];
  /** Called after a resume so the history (and this banner) reloads. */
  onResumed: () => void;
}

export function InterruptedRunsBanner({ runs, onResumed }: InterruptedRunsBannerProps) {
  // Dismissed for this page's life only: the runs stay interrupted, and resumable from their page.
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const interrupted = runs.filter((run) => run.status === 'interrupted' && !dismissed.has(run.id));
  if (interrupted.length === 0) return null;

  const resume = async (ids: string[]) => {
    setBusy(true);
    setError(null);
    for (const id of ids) {
      const result = await getApi().invoke('runs.resume', { id });
      if (!result.ok) {
        setError(result.error);
        break;
      }
    }
    setBusy(false);
    onResumed();
  };

  return (
    <section className="interrupted-banner" data-testid="interrupted-runs" aria-label="Interrupted runs">
      <div className="interrupted-banner-header">
        <strong>
          {interrupted.length === 1 ? 'A run did not finish' : `${interrupted.length} runs did not finish`} (Comparo closed, or a trainer
          stopped). Resume?
        </strong>
        <span className="spacer" />
        {interrupted.length > 1 && (
          <button type="button" className="button small primary" disabled={busy} onClick={() => void resume(interrupted.map((run) => run.id))}>
            Resume all
          </button>
        )}
        <button type="button" className="link-button" onClick={() => setDismissed(new Set([...dismissed, ...interrupted.map((run) => run.id)]))}>
          Not now
        </button>
      </div>
      <ul className="interrupted-banner-list">
        {interrupted.map((run) => (
          <li key={run.id} data-run-id={run.id}>
            <a href={routeHref({ view: 'run', id: run.id })}>{run.name}</a>
            {run.totalSteps > 0 && (
              <span className="muted">
                {' '}
                · stopped at step {run.step} of {run.totalSteps}
              </span>
            )}
            <button type="button" className="button small" data-testid="resume-run" disabled={busy} onClick={() => void resume([run.id])}>
              Resume
            </button>
          </li>
        ))}
      </ul>
      <ErrorMessage title="Could not resume" error={error} onDismiss={() => setError(null)} />
    </section>
  );
}
