// A page per run: overview (status, backend, metrics, its comparison), curves, every setting, the
// recorded log and the checkpoint files, as tabs whose choice rides in the URL (#/run/<id>/<tab>).
import { useMemo } from 'react';
import { TabList } from './TabList';
import { formatBytes } from '../../shared/models';
import type { HistoryNames } from '../../shared/run-names';
import { isActiveRunStatus } from '../../shared/vocabulary';
import { formatDateTime, formatMetric, metricLabel } from '../lib/format';
import { useApiEvent, useInterval } from '../lib/hooks';
import { routeHref } from '../lib/route';
import { useApiQuery } from '../lib/useApiQuery';
import { useRunTraces } from '../lib/useRunTraces';
import { ErrorMessage } from './ErrorMessage';
import { RunCheckpoints } from './run/RunCheckpoints';
import { RunConfigTable } from './run/RunConfigTable';
import { RunLog } from './run/RunLog';
import { RUN_TABS, runTab, type RunTabId } from './run/run-tabs';
import { RunRow } from './RunRow';
import { TrainingLossChart } from './TrainingLossChart';
import { ValidationCurves } from './ValidationCurves';

interface RunViewProps {
  runId: string;
  /** The open tab, from the URL (renderer/lib/route.ts). */
  tab?: string;
  /** Display names by what differs (shared/run-names.ts). */
  names?: HistoryNames;
}

export function RunView({ runId, tab, names }: RunViewProps) {
  const query = useApiQuery('runs.get', { id: runId });
  const runIds = useMemo(() => [runId], [runId]);
  const traces = useRunTraces(runIds);
  const run = query.data?.run;
  const view = runTab(tab);
  // Replaced, not pushed: Back leaves the run rather than walking its tabs (as the comparison view does).
  const setView = (next: RunTabId) => {
    window.history.replaceState(window.history.state, '', routeHref({ view: 'run', id: runId, tab: next }));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };

  useInterval(query.reload, run && isActiveRunStatus(run.status) ? 2000 : null);
  useApiEvent('run.status', (payload) => {
    if (payload.runId !== runId) return;
    query.reload();
    traces.reload(runId);
  });

  if (!run || !query.data) return query.error ? <ErrorMessage title="Could not load the run" error={query.error} /> : <p className="muted">Loading the run…</p>;
  const detail = query.data;
  const name = names?.run(run.id) ?? run.name;
  const comparisonName = run.comparisonId ? (names?.comparison(run.comparisonId) ?? run.comparisonId) : null;
  const finalMetrics = Object.entries(run.finalMetrics);
  const refreshKey = `${run.status}:${run.checkpointStep ?? ''}:${run.bestStep ?? ''}`;

  return (
    <div className="run-view" data-run-status={run.status}>
      <header className="view-header">
        <div>
          <h1 data-testid="run-title">{name}</h1>
          <p className="muted">
            {run.loss} loss · seed {run.seed} · {run.config.epochs} epochs · started {formatDateTime(run.startedAt ?? run.createdAt)}
            {run.comparisonId && (
              <>
                {' '}
                · part of{' '}
                <a href={routeHref({ view: 'comparison', id: run.comparisonId })} data-testid="run-comparison-link">
                  {comparisonName}
                </a>
              </>
            )}
          </p>
        </div>
      </header>
      <TabList
        tabs={RUN_TABS}
        selected={view}
        onSelect={(id) => setView(id as typeof view)}
        idPrefix="run-tab"
        panelId="run-view-panel"
        testIdPrefix="run-tab"
        className="run-tabs"
        label="Run views"
      />
      <div id="run-view-panel" role="tabpanel" aria-labelledby={`run-tab-${view}`} data-view={view}>
        {view === 'overview' && (
          <section className="card" data-testid="run-overview">
            <ul className="run-list">
              <RunRow run={run} progress={traces.progress.get(run.id)} onChanged={query.reload} />
            </ul>
            <dl className="facts">
              <div>
                <dt>Backend</dt>
                <dd data-testid="run-backend">
                  {run.backend ?? 'not reported yet'} <span className="muted">(asked: {run.config.backend})</span>
                </dd>
              </div>
              {run.worker && (
                <div>
                  <dt>Trained on</dt>
                  <dd data-testid="run-worker" title={`Comparo ${run.worker.codeVersion}`}>
                    worker {run.worker.id} · {run.worker.cores} cores · {(run.worker.memoryBytes / 2 ** 30).toFixed(1)} GiB
                  </dd>
                </div>
              )}
              <div>
                <dt>Steps</dt>
                <dd>
                  {run.step} / {run.totalSteps}
                </dd>
              </div>
              {finalMetrics.map(([metric, value]) => (
                <div key={metric}>
                  <dt>{metricLabel(metric)}</dt>
                  <dd>{formatMetric(metric, value)}</dd>
                </div>
              ))}
            </dl>
            {run.error && <p className="notice">{run.error}</p>}
            {detail.checkpointBytes !== undefined && (
              <p className="muted run-disk-use">
                Checkpoints on disk: {formatBytes(detail.checkpointBytes)} (best +{' '}
                {run.config.keepCheckpoints === 0 ? 'every periodic checkpoint' : `the last ${run.config.keepCheckpoints}`}) —{' '}
                <a href={routeHref({ view: 'run', id: run.id, tab: 'checkpoints' })}>which files</a>
              </p>
            )}
          </section>
        )}
        {view === 'curves' && (
          <section className="card" data-testid="run-curves">
            <TrainingLossChart baseline={run.loss === 'baseline' ? run : undefined} comparative={run.loss === 'comparative' ? run : undefined} traces={traces} />
            <ValidationCurves runs={[run]} seeds={[run.seed]} traces={traces} />
          </section>
        )}
        {view === 'config' && <RunConfigTable config={run.config} />}
        {view === 'log' && <RunLog detail={detail} />}
        {view === 'checkpoints' && <RunCheckpoints run={run} refreshKey={refreshKey} />}
      </div>
    </div>
  );
}
