// The run's log: the events the history database recorded for it (run-timeline.ts), in order.
import type { RunDetail } from '../../../shared/schemas';
import { formatDateTime } from '../../lib/format';
import { runTimeline } from './run-timeline';

export function RunLog({ detail }: { detail: RunDetail }) {
  const entries = runTimeline(detail);
  return (
    <section className="card" aria-labelledby="run-log-heading" data-testid="run-log">
      <h2 id="run-log-heading">Log</h2>
      <p className="muted">Comparo keeps no free-text trainer log; these are the events stored for this run, in the order they happened.</p>
      <ol className="run-log">
        {entries.map((e, i) => (
          <li key={i} data-log-kind={e.kind} className={e.kind === 'error' ? 'run-log-error' : undefined}>
            <span className="muted run-log-when">{e.at ? formatDateTime(e.at) : e.step !== null ? `step ${e.step}` : ''}</span>
            <span>{e.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
