// A comparison from start to verdict: live runs and loss curves while it trains, then the table.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ComparisonDetail, RunSummary } from '../../shared/schemas';
import { formatDateTime } from '../lib/format';
import { useApiEvent, useInterval, useOnKeyChange } from '../lib/hooks';
import { useApiQuery } from '../lib/useApiQuery';
import { useRunTraces, type RunTraces } from '../lib/useRunTraces';
import { ComparisonTable } from './ComparisonTable';
import { ErrorMessage } from './ErrorMessage';
import { RunRow } from './RunRow';
import { StatusChip } from './StatusChip';
import { OptimizerChart } from './OptimizerChart';
import { TrainingLossChart } from './TrainingLossChart';
import { UtilityCurves } from './UtilityCurves';
import { ValidationCurves } from './ValidationCurves';
import { Verdict } from './Verdict';

/** Events can be missed around an SSE reconnect; polling bounds how stale the view can get. */
const POLL_MS = 2000;
/** A running run with no event for this long gets its stored metrics refetched. */
const QUIET_RUN_MS = 6000;

interface ComparisonViewProps {
  comparisonId: string;
  datasetName: string | undefined;
  /** Told when any status here changes, so the history list never contradicts this view. */
  onStatusesChanged: () => void;
}

export function ComparisonView({ comparisonId, datasetName, onStatusesChanged }: ComparisonViewProps) {
  const query = useApiQuery('comparisons.get', { id: comparisonId });
  const detail = query.data;
  const runIdsKey = detail?.comparison.runIds.join(',') ?? '';
  const runIds = useMemo(() => (runIdsKey ? runIdsKey.split(',') : []), [runIdsKey]);
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
  const { comparison, runs, table } = detail;
  const finished = comparison.status !== 'running';
  const config = comparison.config;

  return (
    <div className="comparison-view" data-comparison-status={comparison.status}>
      <header className="view-header">
        <div>
          <h1>
            Baseline vs comparative loss <span className="muted">on {datasetName ?? 'dataset'}</span>
          </h1>
          <p className="muted">
            {comparison.seeds.length} seed{comparison.seeds.length === 1 ? '' : 's'} ({comparison.seeds.join(', ')}) · {config.epochs} epoch
            {config.epochs === 1 ? '' : 's'} · C = {config.ablations} ablated copies · target {config.target} · dropout {config.dropout} · learning rate{' '}
            {config.learningRate} · started {formatDateTime(comparison.createdAt)}
          </p>
        </div>
        <span data-testid="comparison-status">
          <StatusChip status={comparison.status} />
        </span>
      </header>
      <ErrorMessage error={query.error} />

      {finished && table.length > 0 && (
        <section className="card">
          <h2>Results on the validation split</h2>
          {comparison.status !== 'completed' && (
            <p className="notice">This comparison is {comparison.status}; only the runs that finished have values.</p>
          )}
          <ComparisonTable rows={table} seeds={comparison.seeds} />
          <Verdict rows={table} />
        </section>
      )}

      <section className="card">
        <h2>Runs</h2>
        <ul className="run-list">
          {runs.map((run) => (
            <RunRow key={run.id} run={run} progress={traces.progress.get(run.id)} onChanged={query.reload} />
          ))}
        </ul>
        <SeedLossChart runs={runs} seeds={comparison.seeds} traces={traces} />
      </section>
      <section className="card">
        <h2>Validation curves</h2>
        <ValidationCurves runs={runs} seeds={comparison.seeds} traces={traces} />
      </section>
      <section className="card">
        <h2>Neuronal utility</h2>
        <UtilityCurves runs={runs} seeds={comparison.seeds} refreshKey={statusesKey} />
      </section>

    </div>
  );
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

function SeedLossChart({ runs, seeds, traces }: { runs: RunSummary[]; seeds: number[]; traces: RunTraces }) {
  const [seed, setSeed] = useState(seeds[0]);
  const pick = (loss: RunSummary['loss']) => runs.find((run) => run.loss === loss && run.seed === seed);
  return (
    <div className="seed-loss">
      {seeds.length > 1 && (
        <div className="tabs" role="tablist" aria-label="Seed">
          {seeds.map((s) => (
            <button key={s} type="button" role="tab" aria-selected={s === seed} className={`tab${s === seed ? ' is-active' : ''}`} onClick={() => setSeed(s)}>
              seed {s}
            </button>
          ))}
        </div>
      )}
      <TrainingLossChart baseline={pick('baseline')} comparative={pick('comparative')} traces={traces} />
      <OptimizerChart baseline={pick('baseline')} comparative={pick('comparative')} traces={traces} />
    </div>
  );
}
