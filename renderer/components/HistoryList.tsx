// The side panel: past and current work, newest first. Each comparison holds its runs (a toggle
// shows them); runs that belong to no comparison are listed by themselves. Names say what differs
// (shared/run-names.ts). Links are plain hash links so they can be opened, bookmarked and
// navigated with the browser's back button.
import { useState, type ReactNode } from 'react';
import { formatError } from '../../shared/errors';
import type { RunFilter } from '../../shared/history';
import { runRole } from '../../shared/run-names';
import type { ComparisonSummary, DatasetSummary, RunSummary } from '../../shared/schemas';
import type { HistoryData } from '../lib/useHistory';
import { navigate, routeHref, type Route } from '../lib/route';
import { isEmptyFilter, useRunSearch } from '../lib/useRunSearch';
import { ErrorMessage } from './ErrorMessage';
import { StatusChip } from './StatusChip';
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

/** The comparison a run belongs to (seeded comparisons own their runs; ad-hoc ones only borrow them). */
function groupRuns(comparisons: ComparisonSummary[], runs: RunSummary[]): { owned: Map<string, RunSummary[]>; single: RunSummary[] } {
  const ids = new Set(comparisons.map((c) => c.id));
  const owned = new Map<string, RunSummary[]>();
  const single: RunSummary[] = [];
  for (const run of runs) {
    if (run.comparisonId && ids.has(run.comparisonId)) owned.set(run.comparisonId, [...(owned.get(run.comparisonId) ?? []), run]);
    else single.push(run);
  }
  // Within a comparison: by seed, baseline before comparative, as the comparison view lists them.
  for (const list of owned.values()) list.sort((a, b) => a.seed - b.seed || a.loss.localeCompare(b.loss));
  return { owned, single };
}

export function HistoryList({ history, current }: HistoryListProps) {
  const datasetName = new Map(history.datasets.map((d) => [d.id, d.name]));
  const [filter, setFilter] = useState<RunFilter>({});
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(new Set());
  const [expandedIds, setExpandedIds] = useState<ReadonlySet<string>>(new Set());
  const search = useRunSearch(filter, history.runs);
  const filtering = !isEmptyFilter(filter);
  const { names } = history;
  // A run deleted elsewhere (CLI, another window) drops out of the selection.
  const selected = history.runs.filter((r) => selectedIds.has(r.id));
  const flip = (set: ReadonlySet<string>, id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  };
  const toggle = (id: string) => setSelectedIds((prev) => flip(prev, id));
  const afterChange = () => {
    setSelectedIds(new Set());
    history.refresh();
  };
  const { owned, single } = groupRuns(history.comparisons, search.runs);
  const found = new Set(search.runs.map((r) => r.id));
  const runsById = new Map(history.runs.map((r) => [r.id, r]));
  const currentRun = current.view === 'run' ? runsById.get(current.id) : undefined;
  // With a filter, a comparison shows when one of its runs matches, opened on the matches.
  const visibleComparisons = history.comparisons.filter((c) => !filtering || (owned.get(c.id)?.length ?? 0) > 0 || (c.kind === 'adhoc' && c.runIds.some((id) => found.has(id))));
  const isExpanded = (c: ComparisonSummary) => filtering || expandedIds.has(c.id) !== (isCurrent(current, 'comparison', c.id) || currentRun?.comparisonId === c.id);

  const runItem = (run: RunSummary, grouped: boolean) => {
    const fullName = names.run(run.id) ?? run.name;
    return (
      <RunHistoryItem
        key={run.id}
        run={run}
        label={grouped && !names.renamed(run.id) ? runRole(run) : fullName}
        fullName={fullName}
        current={isCurrent(current, 'run', run.id)}
        selected={selectedIds.has(run.id)}
        onToggle={toggle}
        onChanged={history.refresh}
      />
    );
  };

  const empty = history.datasets.length + history.comparisons.length + history.runs.length === 0;
  const nothingMatches = filtering && !search.loading && search.runs.length === 0;
  return (
    <nav className="history" data-testid="history" aria-label="History">
      {/* Compact: the page's main area already explains connection problems in full. */}
      {history.error && (
        <p className="muted history-empty" title={formatError(history.error)}>
          Could not load the history.
        </p>
      )}
      {empty && !history.error && <p className="muted history-empty">Nothing yet. Datasets, comparisons and runs appear here and are kept between sessions.</p>}
      {history.runs.length > 0 && (
        <div className="history-tools">
          <HistoryFilters filter={filter} onChange={setFilter} datasets={history.datasets} runs={history.runs} />
          <SelectionActions
            selected={selected}
            names={names}
            onClear={() => setSelectedIds(new Set())}
            onCompared={(comparison) => {
              afterChange();
              navigate({ view: 'comparison', id: comparison.id });
            }}
            onDeleted={afterChange}
          />
          <ErrorMessage error={search.error} />
          {nothingMatches && (
            <p className="muted history-empty" data-testid="history-no-match">
              No run matches these filters.
            </p>
          )}
        </div>
      )}
      {visibleComparisons.length > 0 && (
        <HistorySection title="Comparisons">
          {visibleComparisons.map((comparison) => {
            const title = names.comparison(comparison.id) ?? comparison.id;
            return (
              <ComparisonHistoryItem
                key={comparison.id}
                comparison={comparison}
                title={title}
                datasetName={datasetName.get(comparison.datasetId)}
                active={isCurrent(current, 'comparison', comparison.id)}
                onChanged={history.refresh}
                expanded={isExpanded(comparison)}
                onToggleExpanded={() => setExpandedIds((prev) => flip(prev, comparison.id))}
              >
                {comparison.kind === 'adhoc'
                  ? comparison.runIds
                      .filter((id) => !filtering || found.has(id))
                      .map((id) => <BorrowedRun key={id} run={runsById.get(id)} id={id} name={names.run(id)} current={isCurrent(current, 'run', id)} />)
                  : (owned.get(comparison.id) ?? []).map((run) => runItem(run, true))}
              </ComparisonHistoryItem>
            );
          })}
        </HistorySection>
      )}
      {single.length > 0 && <HistorySection title="Single runs">{single.map((run) => runItem(run, false))}</HistorySection>}
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

/** A run an ad-hoc comparison borrowed: a link to its page (it is listed, selectable, where it belongs). */
function BorrowedRun({ run, id, name, current }: { run: RunSummary | undefined; id: string; name: string | undefined; current: boolean }) {
  return (
    <li data-history-member={id}>
      <a href={routeHref({ view: 'run', id })} className={`history-item history-member${current ? ' is-current' : ''}`}>
        <span className="history-member-name" title={name ?? id}>
          {run && <span className={`arm-dot arm-${run.loss}`} aria-hidden="true" />}
          {name ?? id}
        </span>
        {run && (
          <span className="history-meta">
            <StatusChip status={run.status} />
          </span>
        )}
      </a>
    </li>
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
