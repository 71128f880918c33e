// The side panel: past and current work, newest first. Links are plain hash links so they can be
// opened, bookmarked and navigated with the browser's back button.
import { useState, type ReactNode } from 'react';
import { formatError } from '../../shared/errors';
import type { RunFilter } from '../../shared/history';
import type { DatasetSummary } from '../../shared/schemas';
import type { HistoryData } from '../lib/useHistory';
import { navigate, routeHref, type Route } from '../lib/route';
import { isEmptyFilter, useRunSearch } from '../lib/useRunSearch';
import { ErrorMessage } from './ErrorMessage';
import { ComparisonHistoryItem } from './history/ComparisonHistoryItem';
import { HistoryFilters } from './history/HistoryFilters';
import { RunHistoryItem } from './history/RunHistoryItem';
import { SelectionActions } from './history/SelectionActions';

interface HistoryListProps {
  history: HistoryData;
  current: Route;
}

function isCurrent(current: Route, view: Route['view'], id: string): boolean {
  return current.view === view && 'id' in current && current.id === id;
}

export function HistoryList({ history, current }: HistoryListProps) {
  const datasetName = new Map(history.datasets.map((d) => [d.id, d.name]));
  const [filter, setFilter] = useState<RunFilter>({});
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(new Set());
  const search = useRunSearch(filter, history.runs);
  // A run deleted elsewhere (CLI, another window) drops out of the selection.
  const selected = history.runs.filter((r) => selectedIds.has(r.id));
  const toggle = (id: string) =>
    setSelectedIds((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const afterChange = () => {
    setSelectedIds(new Set());
    history.refresh();
  };
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
            <ComparisonHistoryItem
              key={comparison.id}
              comparison={comparison}
              datasetName={datasetName.get(comparison.datasetId)}
              active={isCurrent(current, 'comparison', comparison.id)}
              onChanged={history.refresh}
            />
          ))}
        </HistorySection>
      )}
      {history.runs.length > 0 && (
        <HistorySection title="Runs">
          <li className="history-tools">
            <HistoryFilters filter={filter} onChange={setFilter} datasets={history.datasets} runs={history.runs} />
            <SelectionActions
              selected={selected}
              onClear={() => setSelectedIds(new Set())}
              onCompared={(comparison) => {
                afterChange();
                navigate({ view: 'comparison', id: comparison.id });
              }}
              onDeleted={afterChange}
            />
            <ErrorMessage error={search.error} />
          </li>
          {search.runs.map((run) => (
            <RunHistoryItem
              key={run.id}
              run={run}
              current={isCurrent(current, 'run', run.id)}
              selected={selectedIds.has(run.id)}
              onToggle={toggle}
              onChanged={history.refresh}
            />
          ))}
          {search.runs.length === 0 && !search.loading && !isEmptyFilter(filter) && (
            <li className="muted history-empty" data-testid="history-no-match">
              No run matches these filters.
            </li>
          )}
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
