// A single run that is not part of a comparison (started from the command line, for instance).
import { useMemo } from 'react';
import { formatBytes } from '../../shared/models';
import { isActiveRunStatus } from '../../shared/vocabulary';
import { formatDateTime, formatMetric, metricLabel } from '../lib/format';
import { useApiEvent, useInterval } from '../lib/hooks';
import { useApiQuery } from '../lib/useApiQuery';
import { useRunTraces } from '../lib/useRunTraces';
import { ErrorMessage } from './ErrorMessage';
import { RunRow } from './RunRow';
import { TrainingLossChart } from './TrainingLossChart';
import { ValidationCurves } from './ValidationCurves';

export function RunView({ runId }: { runId: string }) {
  const query = useApiQuery('runs.get', { id: runId });
  const runIds = useMemo(() => [runId], [runId]);
  const traces = useRunTraces(runIds);
  const run = query.data?.run;

  useInterval(query.reload, run && isActiveRunStatus(run.status) ? 2000 : null);
  useApiEvent('run.status', (payload) => {
    if (payload.runId !== runId) return;
    query.reload();
    traces.reload(runId);
  });

  if (!run) return query.error ? <ErrorMessage title="Could not load the run" error={query.error} /> : <p className="muted">Loading the run…</p>;
  const finalMetrics = Object.entries(run.finalMetrics);
  return (
    <div className="run-view">
      <header className="view-header">
        <div>
          <h1>{run.name}</h1>
          <p className="muted">
            {run.loss} loss · seed {run.seed} · {run.config.epochs} epochs · started {formatDateTime(run.startedAt ?? run.createdAt)}
          </p>
        </div>
      </header>
      <section className="card">
        <ul className="run-list">
          <RunRow run={run} progress={traces.progress.get(run.id)} onChanged={query.reload} />
        </ul>
        {finalMetrics.length > 0 && (
          <dl className="facts">
            {finalMetrics.map(([name, value]) => (
              <div key={name}>
                <dt>{metricLabel(name)}</dt>
                <dd>{formatMetric(name, value)}</dd>
              </div>
            ))}
          </dl>
        )}
        {query.data?.checkpointBytes !== undefined && (
          <p className="muted run-disk-use">
            Checkpoints on disk: {formatBytes(query.data.checkpointBytes)} (best +{' '}
            {run.config.keepCheckpoints === 0 ? 'every periodic checkpoint' : `the last ${run.config.keepCheckpoints}`})
          </p>
        )}
      </section>
      <section className="card">
        <TrainingLossChart
          baseline={run.loss === 'baseline' ? run : undefined}
          comparative={run.loss === 'comparative' ? run : undefined}
          traces={traces}
        />
        <ValidationCurves runs={[run]} seeds={[run.seed]} traces={traces} />
      </section>
    </div>
  );
}
