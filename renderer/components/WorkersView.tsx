// Settings -> Workers: where new runs train — this machine, or remote workers through a Redis
// queue (docs/workers.md) — and which workers are alive there, with what they have. Runs already
// started stay where they are; each run's page says which worker trained it.
import { useCallback, useEffect, useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import type { WorkersState } from '../../shared/worker-info';
import { getApi } from '../api';
import { useInterval } from '../lib/hooks';
import { ErrorMessage } from './ErrorMessage';

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

export function WorkersView() {
  const [state, setState] = useState<WorkersState | null>(null);
  const [url, setUrl] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AppErrorValue | null>(null);

  const refresh = useCallback(async () => {
    const answer = await getApi().invoke('workers.get', {});
    if (answer.ok) setState(answer.value);
    else setError(answer.error);
  }, []);
  useEffect(() => void refresh(), [refresh]);
  // Workers come and go (each refreshes its entry every few seconds).
  useInterval(() => void refresh(), state?.placement === 'queue' ? 5000 : null);

  const act = async (call: () => ReturnType<ReturnType<typeof getApi>['invoke']>) => {
    setPending(true);
    setError(null);
    const answer = await call();
    setPending(false);
    if (answer.ok) setState(answer.value as WorkersState);
    else setError(answer.error);
  };

  return (
    <section className="card workers-view" data-testid="workers-view">
      <h2>Workers</h2>
      <p className="muted">
        New runs train on this machine, or on workers on other machines (a GPU box, a few servers) that take them from a Redis queue: start one there with{' '}
        <code>npm run worker -- --queue redis://host:6379/0</code>. Results come back here either way.
      </p>
      <p data-testid="workers-placement" data-placement={state?.placement ?? ''}>
        New runs train: <strong>{state?.placement === 'queue' ? `on the workers of ${state.queue}` : 'on this machine'}</strong>
      </p>
      <form
        className="workers-connect"
        onSubmit={(event) => {
          event.preventDefault();
          void act(() => getApi().invoke('workers.connect', { url }));
        }}
      >
        <label>
          Queue{' '}
          <input
            type="text"
            name="queue"
            data-testid="workers-url"
            placeholder="redis://host:6379/0 or rediss://user:password@host:6380/0"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            size={48}
          />
        </label>{' '}
        <button type="submit" className="button small" data-testid="workers-connect" disabled={pending || url.trim() === ''}>
          {pending ? 'Connecting…' : 'Use these workers'}
        </button>{' '}
        {state?.placement === 'queue' && (
          <button type="button" className="button small secondary" data-testid="workers-disconnect" disabled={pending} onClick={() => void act(() => getApi().invoke('workers.disconnect', {}))}>
            Train on this machine
          </button>
        )}
      </form>
      <ErrorMessage title="Workers" error={error ?? state?.problem} onDismiss={error ? () => setError(null) : undefined} />
      {state?.placement === 'queue' && (
        <table className="workers-table" data-testid="workers-table">
          <thead>
            <tr>
              <th>Worker</th>
              <th>Backend</th>
              <th>Cores</th>
              <th>Memory</th>
              <th>Runs at once</th>
              <th>Version</th>
            </tr>
          </thead>
          <tbody>
            {state.workers.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No worker is connected to this queue now: queued runs wait until one is.
                </td>
              </tr>
            )}
            {state.workers.map((w) => (
              <tr key={w.id} data-testid="worker-row">
                <td>{w.id}</td>
                <td>{w.backend}</td>
                <td>{w.cores}</td>
                <td>{gib(w.memoryBytes)}</td>
                <td>{w.concurrency}</td>
                <td>{w.codeVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
