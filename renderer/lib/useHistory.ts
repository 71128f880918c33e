// Everything the server remembers (datasets, comparisons, runs), refreshed when anything changes.
// It all comes from the server, so the history survives restarts of both the app and the page.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import { historyNames, type HistoryNames } from '../../shared/run-names';
import type { ComparisonSummary, DatasetSummary, RunSummary } from '../../shared/schemas';
import { isActiveRunStatus } from '../../shared/vocabulary';
import { getApi } from '../api';
import { useApiEvent, useInterval } from './hooks';

export interface HistoryData {
  datasets: DatasetSummary[];
  comparisons: ComparisonSummary[];
  runs: RunSummary[];
  error: AppErrorValue | null;
  /** Display names by what differs (shared/run-names.ts); renames win. */
  names: HistoryNames;
  refresh: () => void;
}

/** Status events come in bursts (a comparison starts several runs); refresh once per burst. */
const DEBOUNCE_MS = 400;

const newestFirst = <T extends { createdAt: string }>(items: T[]) => [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

export function useHistory(): HistoryData {
  const [datasets, setDatasets] = useState<DatasetSummary[]>([]);
  const [comparisons, setComparisons] = useState<ComparisonSummary[]>([]);
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const timer = useRef<number | null>(null);

  const load = useCallback(async () => {
    const api = getApi();
    const [d, c, r] = await Promise.all([api.invoke('datasets.list', {}), api.invoke('comparisons.list', {}), api.invoke('runs.list', {})]);
    if (d.ok) setDatasets(newestFirst(d.value));
    if (c.ok) setComparisons(newestFirst(c.value));
    if (r.ok) setRuns(newestFirst(r.value));
    setError((!d.ok && d.error) || (!c.ok && c.error) || (!r.ok && r.error) || null);
  }, []);

  const refreshSoon = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      timer.current = null;
      void load();
    }, DEBOUNCE_MS);
  }, [load]);

  useEffect(() => {
    void load();
    return () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    };
  }, [load]);

  useApiEvent('run.status', refreshSoon);
  useApiEvent('comparison.status', refreshSoon);
  // Step counts in the list only change through polling; slow is fine for a side panel.
  useInterval(refreshSoon, runs.some((run) => isActiveRunStatus(run.status)) ? 5000 : null);

  // An explicit refresh (after an import or a start) should show the new item at once.
  const refresh = useCallback(() => void load(), [load]);
  const names = useMemo(() => historyNames({ datasets, comparisons, runs }), [datasets, comparisons, runs]);
  return { datasets, comparisons, runs, error, names, refresh };
}
