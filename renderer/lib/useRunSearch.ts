// The history's run list under the person's filters. With no filter it is the list useHistory
// already keeps fresh; with one, the server answers (runs.list with a filter: SQL over the tag
// index), asked again whenever the unfiltered list changes so edits and new runs show up.
import { useEffect, useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import type { RunFilter } from '../../shared/history';
import type { RunSummary } from '../../shared/schemas';
import { getApi } from '../api';

export function isEmptyFilter(filter: RunFilter): boolean {
  return Object.values(filter).every((v) => v === undefined || v === '');
}

export function useRunSearch(filter: RunFilter, allRuns: RunSummary[]): { runs: RunSummary[]; loading: boolean; error: AppErrorValue | null } {
  const [found, setFound] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const empty = isEmptyFilter(filter);
  const filterKey = JSON.stringify(filter);
  // Names, tags and statuses: what can change a filtered answer.
  const listKey = allRuns.map((r) => `${r.id}:${r.status}:${r.name}:${(r.tags ?? []).join(',')}`).join('|');
  useEffect(() => {
    if (empty) return;
    let current = true;
    const request = Object.fromEntries(Object.entries(JSON.parse(filterKey) as RunFilter).filter(([, v]) => v !== undefined && v !== '')) as RunFilter;
    void getApi()
      .invoke('runs.list', request)
      .then((result) => {
        if (!current) return;
        if (result.ok) setFound(result.value);
        setError(result.ok ? null : result.error);
      });
    return () => {
      current = false;
    };
  }, [empty, filterKey, listKey]);
  return { runs: empty ? allRuns : (found ?? []), loading: !empty && found === null, error: empty ? null : error };
}
