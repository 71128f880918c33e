// The shell: header, history on the side, and the view the URL hash names.
import { WorkersView } from './components/WorkersView';
import { useEffect, useState } from 'react';
import type { AppErrorValue } from '../shared/errors';
import type { AppInfo } from '../shared/app-info';
import { getApi } from './api';
import { ComparisonView } from './components/ComparisonView';
import { DatasetView } from './components/DatasetView';
import { ErrorMessage } from './components/ErrorMessage';
import { HistoryList } from './components/HistoryList';
import { ImportView } from './components/ImportView';
import { InterruptedRunsBanner } from './components/InterruptedRunsBanner';
import { Playground } from './components/Playground';
import { RunView } from './components/RunView';
import { navigate, useRoute, type Route } from './lib/route';
import { useHistory } from './lib/useHistory';

function useAppInfo(): { info: AppInfo | null; error: AppErrorValue | null } {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);
  useEffect(() => {
    void getApi()
      .invoke('app.info', {})
      .then((result) => (result.ok ? setInfo(result.value) : setError(result.error)));
  }, []);
  return { info, error };
}

/** Dropped files should land in the drop zone only; anywhere else the browser would open them and leave the app. */
function usePreventFileDropNavigation(): void {
  useEffect(() => {
    const block = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', block);
    window.addEventListener('drop', block);
    return () => {
      window.removeEventListener('dragover', block);
      window.removeEventListener('drop', block);
    };
  }, []);
}

export function App() {
  const route = useRoute();
  const { info, error } = useAppInfo();
  const history = useHistory();
  usePreventFileDropNavigation();

  const open = (next: Route) => {
    history.refresh();
    navigate(next);
  };
  const datasetName = (id: string) => history.datasets.find((d) => d.id === id)?.name;

  return (
    <div className="app">
      <header className="app-header">
        <a href="#/" className="brand">
          Comparo
        </a>
        <span className="tagline muted">Did the comparative loss make your model better?</span>
        <span className="spacer" />
        {info && (
          <span className="muted app-meta" title={`Data: ${info.dataDir}`}>
            v{info.version} · {info.transport}
          </span>
        )}
        <a href="#/playground" className="button small" data-testid="nav-playground">
          Playground
        </a>
        <a href="#/workers" className="button small" data-testid="nav-workers">
          Workers
        </a>
        <a href="#/" className="button small">
          Import a dataset
        </a>
      </header>
      <div className="app-body">
        <aside className="sidebar">
          <HistoryList history={history} current={route} />
        </aside>
        <main className="content">
          <ErrorMessage title="Cannot reach the Comparo services" error={error} />
          <InterruptedRunsBanner runs={history.runs} onResumed={history.refresh} />
          {route.view === 'import' && (
            <ImportView embeddedDatasetName={info?.embeddedDataset} onImported={(dataset) => open({ view: 'dataset', id: dataset.id })} />
          )}
          {route.view === 'dataset' && (
            <DatasetView key={route.id} datasetId={route.id} info={info} onStarted={(comparison) => open({ view: 'comparison', id: comparison.id })} />
          )}
          {route.view === 'comparison' && (
            <ComparisonView
              key={route.id}
              comparisonId={route.id}
              tab={route.tab}
              datasetName={lookupComparisonDataset(history, route.id, datasetName)}
              datasetTask={lookupComparisonDataset(history, route.id, (id) => history.datasets.find((d) => d.id === id)?.task)}
              onStatusesChanged={history.refresh}
              name={history.names.comparison(route.id)}
            />
          )}
          {route.view === 'run' && <RunView key={route.id} runId={route.id} tab={route.tab} names={history.names} />}
          {route.view === 'workers' && <WorkersView />}
          {route.view === 'playground' && <Playground key={route.comparisonId ?? ''} history={history} comparisonId={route.comparisonId} />}
        </main>
      </div>
    </div>
  );
}

function lookupComparisonDataset<T>(history: ReturnType<typeof useHistory>, comparisonId: string, pick: (datasetId: string) => T | undefined): T | undefined {
  const comparison = history.comparisons.find((c) => c.id === comparisonId);
  return comparison ? pick(comparison.datasetId) : undefined;
}
