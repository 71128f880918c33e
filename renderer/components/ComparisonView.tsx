// A comparison from start to verdict: live runs and loss curves while it trains, then the table;
// the views behind the verdict (curves, per class, confusion, examples, utility, compute) as tabs.
import { useEffect, useMemo, useRef, useState } from 'react';
import { headlineCheckpointText, headlineSplitText } from '../../shared/comparison-views';
import { GLOSSARY } from '../../shared/glossary';
import type { ComparisonDetail, LossKind, RunSummary } from '../../shared/schemas';
import type { DatasetTask } from '../../shared/tasks';
import { type ArmNames, armNames, armOfRun, comparisonTitle } from '../lib/arm-labels';
import { formatDateTime } from '../lib/format';
import { useApiEvent, useInterval, useOnKeyChange } from '../lib/hooks';
import { useApiQuery } from '../lib/useApiQuery';
import { routeHref } from '../lib/route';
import { useRunTraces, type RunTraces } from '../lib/useRunTraces';
import { ComparisonProgressBar } from './ComparisonProgressBar';
import { ComparisonSeedControls } from './ComparisonSeedControls';
import { ComparisonTable } from './ComparisonTable';
import { ComparisonTabs, type ComparisonViewId } from './comparison/ComparisonTabs';
import { ErrorMessage } from './ErrorMessage';
import { ReportDownloads } from './ReportDownloads';
import { RunRow } from './RunRow';
import { StatusChip } from './StatusChip';
import { Verdict } from './Verdict';

/** Events can be missed around an SSE reconnect; polling bounds how stale the view can get. */
const POLL_MS = 2000;
/** A running run with no event for this long gets its stored metrics refetched. */
const QUIET_RUN_MS = 6000;

interface ComparisonViewProps {
  comparisonId: string;
  /** The open tab, from the URL (renderer/lib/route.ts): a copied link reopens the same view. */
  tab?: string;
  datasetName: string | undefined;
  /** Which views fit (regression, multi-label…); the analysis says so too once loaded. */
  datasetTask?: DatasetTask;
  /** Told when any status here changes, so the history list never contradicts this view. */
  onStatusesChanged: () => void;
  /** The name the history shows for it (what differs from its neighbours, shared/run-names.ts). */
  name?: string;
}

export function ComparisonView({ comparisonId, tab, datasetName, datasetTask, onStatusesChanged, name }: ComparisonViewProps) {
  const query = useApiQuery('comparisons.get', { id: comparisonId });
  const view = (tab ?? 'overview') as ComparisonViewId;
  // The tab lives in the URL: replaced, not pushed, so Back leaves the comparison rather than walking its tabs.
  const setView = (next: ComparisonViewId) => {
    window.history.replaceState(window.history.state, '', routeHref({ view: 'comparison', id: comparisonId, tab: next }));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  const detail = query.data;
  const runIdsKey = detail?.comparison.runIds.join(',') ?? '';
  const runIds = useMemo(() => (runIdsKey ? runIdsKey.split(',') : []), [runIdsKey]);
  const armsOfRuns = useArms(detail);
  const traces = useRunTraces(runIds);
  useRefetchMetricsOnStatusChange(detail, traces.reload);
  const statusesKey = detail ? [detail.comparison.status, ...detail.runs.map((run) => run.status)].join(',') : '';
  useOnKeyChange(statusesKey, onStatusesChanged);

  const running = detail?.comparison.status === 'running';
  useInterval(() => {
    query.reload();
    const now = Date.now();
    for (const run of detail?.runs ?? []) {
      if (run.status === 'running' && now - traces.lastEventAt(run.id) > QUIET_RUN_MS) traces.reload(run.id);
    }
  }, running ? POLL_MS : null);

  useApiEvent('comparison.status', (payload) => {
    if (payload.comparisonId === comparisonId) query.reload();
  });
  useApiEvent('run.status', (payload) => {
    if (runIds.includes(payload.runId)) query.reload();
  });

  if (!detail) {
    return query.error ? <ErrorMessage title="Could not load the comparison" error={query.error} /> : <p className="muted">Loading the comparison…</p>;
  }
  const { comparison, runs, table, headline } = detail;
  const finished = comparison.status !== 'running';
  const config = comparison.config;
  const arms = armsOfRuns.names;

  return (
    <div className="comparison-view" data-comparison-status={comparison.status}>
      <header className="view-header">
        <div>
          <h1>
            <span data-testid="comparison-title">{comparisonTitle(arms)}</span> <span className="muted">on {datasetName ?? 'dataset'}</span>
          </h1>
          {name && (
            <p className="comparison-name" data-testid="comparison-name">
              {name}
            </p>
          )}
          <p className="muted">
            {comparison.seeds.length} seed{comparison.seeds.length === 1 ? '' : 's'} ({comparison.seeds.join(', ')}) · {config.epochs} epoch
            {config.epochs === 1 ? '' : 's'} ·{' '}
            <abbr title={`${GLOSSARY.C} ${GLOSSARY['ablated copy']}`}>C = {config.ablations} ablated copies</abbr> ·{' '}
            <abbr title={GLOSSARY.target}>target {config.target}</abbr> · dropout {config.dropout} · learning rate{' '}
            {config.learningRate} · started {formatDateTime(comparison.createdAt)}
          </p>
        </div>
        <span data-testid="comparison-status">
          <StatusChip status={comparison.status} />
        </span>
      </header>
      <ComparisonProgressBar comparison={comparison} runs={runs} live={traces.progress} onChanged={query.reload} />
      <ComparisonSeedControls comparison={comparison} runs={runs} onChanged={query.reload} />
      {finished && (
        <div className="comparison-actions">
          <ReportDownloads comparisonId={comparison.id} />
          <a className="button small" href={routeHref({ view: 'playground', comparisonId: comparison.id })} data-testid="open-playground">
            Try in Playground
          </a>
        </div>
      )}
      <ErrorMessage error={query.error} />

      <ComparisonTabs
        comparisonId={comparisonId}
        view={view}
        onView={setView}
        runs={runs}
        seeds={comparison.seeds}
        traces={traces}
        running={running}
        refreshKey={statusesKey}
        arms={armsOfRuns}
        task={detail.task ?? datasetTask}
        overview={
          <>
            {finished && table.length > 0 && (
              <section className="card" aria-labelledby="results-heading">
                <h2 id="results-heading" data-split={headline?.split ?? 'validation'}>
                  Results {headlineSplitText(headline)}
                </h2>
                <p className="muted">{headlineCheckpointText(headline)}</p>
                {comparison.status !== 'completed' && (
                  <p className="notice">This comparison is {comparison.status}; only the runs that finished have values.</p>
                )}
                {(detail.warnings ?? []).map((warning) => (
                  <p key={warning} className="answer-warning" role="note" data-testid="answer-warning">
                    {warning}
                  </p>
                ))}
                <ComparisonTable rows={table} seeds={comparison.seeds} arms={arms} headline={headline} />
                {detail.coverage && (
                  <p className="muted" data-testid="table-coverage">
                    Means, differences and statistics over {detail.coverage.text}.
                  </p>
                )}
                <Verdict rows={table} arms={arms} headline={headline} />
              </section>
            )}
            <section className="card" aria-labelledby="runs-heading" data-testid="view-overview">
              <h2 id="runs-heading">Runs</h2>
              <ul className="run-list">
                {runs.map((run) => (
                  <RunRow key={run.id} run={run} progress={traces.progress.get(run.id)} onChanged={query.reload} />
                ))}
              </ul>
              {running && <p className="muted">The Live tab shows each seed's loss decomposition as it trains.</p>}
            </section>
          </>
        }
      />
    </div>
  );
}

/**
 * Arm names and each run's arm, kept the same object while they are unchanged (every poll brings a
 * new payload), so charts keyed on them do not redraw for nothing.
 */
function useArms(detail: ComparisonDetail | null): { names: ArmNames; of: (run: RunSummary) => LossKind } {
  const key = JSON.stringify([detail?.comparison.armLabels ?? null, detail?.runArms ?? null]);
  return useMemo(() => {
    const [armLabels, runArms] = JSON.parse(key) as [ComparisonDetail['comparison']['armLabels'] | null, ComparisonDetail['runArms'] | null];
    return { names: armNames({ armLabels: armLabels ?? undefined }), of: armOfRun({ runArms: runArms ?? undefined }) };
  }, [key]);
}

/** Stored metrics are authoritative once a run changes state (e.g. final validation on completion). */
function useRefetchMetricsOnStatusChange(detail: ComparisonDetail | null, reloadRun: (runId: string) => void): void {
  const lastStatus = useRef(new Map<string, string>());
  useEffect(() => {
    for (const run of detail?.runs ?? []) {
      const previous = lastStatus.current.get(run.id);
      if (previous !== undefined && previous !== run.status) reloadRun(run.id);
      lastStatus.current.set(run.id, run.status);
    }
  }, [detail, reloadRun]);
}
