// Search and filters above the run list. Every control is labelled (visually hidden labels keep
// the narrow side panel compact) so screen readers and tests find them by name.
import type { RunFilter } from '../../../shared/history';
import type { DatasetSummary, RunSummary } from '../../../shared/schemas';
import { RunStatusSchema, type RunStatus } from '../../../shared/vocabulary';
import { isEmptyFilter } from '../../lib/useRunSearch';

const STATUSES = RunStatusSchema.options;

interface HistoryFiltersProps {
  filter: RunFilter;
  onChange: (filter: RunFilter) => void;
  datasets: DatasetSummary[];
  /** All runs, for the tags and backends worth offering. */
  runs: RunSummary[];
}

export function HistoryFilters({ filter, onChange, datasets, runs }: HistoryFiltersProps) {
  const set = <K extends keyof RunFilter>(key: K, value: RunFilter[K] | '') => onChange({ ...filter, [key]: value === '' ? undefined : value });
  const tags = [...new Set(runs.flatMap((r) => r.tags ?? []))].sort();
  return (
    <div className="history-filters" role="search" aria-label="Search runs">
      <label className="visually-hidden" htmlFor="history-search">
        Search runs
      </label>
      <input
        id="history-search"
        type="search"
        placeholder="Search name, id, dataset, tag…"
        value={filter.text ?? ''}
        onChange={(e) => set('text', e.target.value)}
        data-testid="history-search"
      />
      <div className="history-filter-row">
        <label>
          <span className="visually-hidden">Status</span>
          <select value={filter.status ?? ''} onChange={(e) => set('status', e.target.value as RunStatus | '')} data-testid="history-filter-status">
            <option value="">any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="visually-hidden">Loss</span>
          <select value={filter.loss ?? ''} onChange={(e) => set('loss', e.target.value as RunFilter['loss'] | '')} data-testid="history-filter-loss">
            <option value="">any loss</option>
            <option value="baseline">baseline</option>
            <option value="comparative">comparative</option>
          </select>
        </label>
        <label>
          <span className="visually-hidden">Dataset</span>
          <select value={filter.datasetId ?? ''} onChange={(e) => set('datasetId', e.target.value)} data-testid="history-filter-dataset">
            <option value="">any dataset</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        {tags.length > 0 && (
          <label>
            <span className="visually-hidden">Tag</span>
            <select value={filter.tag ?? ''} onChange={(e) => set('tag', e.target.value)} data-testid="history-filter-tag">
              <option value="">any tag</option>
              {tags.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        )}
        {!isEmptyFilter(filter) && (
          <button type="button" className="button small" onClick={() => onChange({})}>
            Clear
          </button>
        )}
      </div>
    </div>
  );
}
