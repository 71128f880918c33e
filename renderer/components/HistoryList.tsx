// The side panel: past and current work, newest first. Links are plain hash links so they can be
// opened, bookmarked and navigated with the browser's back button.
import type { ReactNode } from 'react';
import { formatError } from '../../shared/errors';
import type { ComparisonSummary, DatasetSummary, RunSummary } from '../../shared/schemas';
import { formatDateTime } from '../lib/format';
import type { HistoryData } from '../lib/useHistory';
import { routeHref, type Route } from '../lib/route';
import { StatusChip } from './StatusChip';

interface HistoryListProps {
  history: HistoryData;
  current: Route;
}

function isCurrent(current: Route, view: Route['view'], id: string): boolean {
  return current.view === view && 'id' in current && current.id === id;
}

function runRoute(run: RunSummary): Route {
  return run.comparisonId ? { view: 'comparison', id: run.comparisonId } : { view: 'run', id: run.id };
}

export function HistoryList({ history, current }: HistoryListProps) {
  const datasetName = new Map(history.datasets.map((d) => [d.id, d.name]));
  const empty = history.datasets.length + history.comparisons.length + history.runs.length === 0;
  return (
    <nav className="history" data-testid="history" aria-label="History">
      {/* Compact: the page's main area already explains connection problems in full. */}
      {history.error && (
        <p className="muted history-empty" title={formatError(history.error)}>
          Could not load the history.
        </p>
      )}
      {empty && !history.error && <p className="muted history-empty">Nothing yet. Datasets, comparisons and runs appear here and are kept between sessions.</p>}
      {history.comparisons.length > 0 && (
        <HistorySection title="Comparisons">
          {history.comparisons.map((comparison) => (
            <ComparisonItem key={comparison.id} comparison={comparison} datasetName={datasetName.get(comparison.datasetId)} active={isCurrent(current, 'comparison', comparison.id)} />
          ))}
        </HistorySection>
      )}
      {history.runs.length > 0 && (
        <HistorySection title="Runs">
          {history.runs.map((run) => (
            <li key={run.id}>
              <a href={routeHref(runRoute(run))} className={`history-item${isCurrent(current, 'run', run.id) ? ' is-current' : ''}`} data-history-run={run.id}>
                <span className="history-title" title={run.name}>
                  <span className={`arm-dot arm-${run.loss}`} aria-hidden="true" />
                  {run.name}
                </span>
                <span className="history-meta">
                  <StatusChip status={run.status} />
                  {run.totalSteps > 0 && run.status !== 'completed' && <span className="muted">{Math.round((run.step / run.totalSteps) * 100)}%</span>}
                </span>
              </a>
            </li>
          ))}
        </HistorySection>
      )}
      {history.datasets.length > 0 && (
        <HistorySection title="Datasets">
          {history.datasets.map((dataset) => (
            <DatasetItem key={dataset.id} dataset={dataset} active={isCurrent(current, 'dataset', dataset.id)} />
          ))}
        </HistorySection>
      )}
    </nav>
  );
}

function HistorySection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="history-section">
      <h2>{title}</h2>
      <ul>{children}</ul>
    </section>
  );
}

function ComparisonItem({ comparison, datasetName, active }: { comparison: ComparisonSummary; datasetName: string | undefined; active: boolean }) {
  return (
    <li>
      <a href={routeHref({ view: 'comparison', id: comparison.id })} className={`history-item${active ? ' is-current' : ''}`} data-history-comparison={comparison.id}>
        <span className="history-title" title={datasetName}>
          {datasetName ?? 'dataset'}
        </span>
        <span className="history-meta">
          <StatusChip status={comparison.status} />
          <span className="muted">
            {comparison.seeds.length}×2 runs · {formatDateTime(comparison.createdAt)}
          </span>
        </span>
      </a>
    </li>
  );
}

function DatasetItem({ dataset, active }: { dataset: DatasetSummary; active: boolean }) {
  return (
    <li>
      <a href={routeHref({ view: 'dataset', id: dataset.id })} className={`history-item${active ? ' is-current' : ''}`}>
        <span className="history-title" title={dataset.fileName}>
          {dataset.name}
        </span>
        <span className="history-meta muted">
          {dataset.rows.toLocaleString()} rows · {dataset.labels.length} labels
        </span>
      </a>
    </li>
  );
}
