// The Playground: type a text (or a pair) and see what each chosen run predicts, side by side.
// Starts with the two arms of a comparison (each at its best seed) so "did the comparative loss
// change what the model says?" is one text away.
import { useEffect, useMemo, useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import type { RunPrediction } from '../../shared/predict';
import { defaultRunIds, MAX_PLAYGROUND_RUNS, predictableRuns } from '../lib/playground';
import type { HistoryData } from '../lib/useHistory';
import { getApi } from '../api';
import { ErrorMessage } from './ErrorMessage';
import { PlaygroundFile } from './PlaygroundFile';
import { PlaygroundResults } from './PlaygroundResults';

interface PlaygroundProps {
  history: HistoryData;
  comparisonId?: string;
}

export function Playground({ history, comparisonId }: PlaygroundProps) {
  const runs = useMemo(() => predictableRuns(history.runs), [history.runs]);
  const [selected, setSelected] = useState<string[] | null>(null);
  const [text, setText] = useState('');
  const [textPair, setTextPair] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const [results, setResults] = useState<RunPrediction[]>([]);

  // The default waits for the history to load; a person's own choice is never overwritten.
  useEffect(() => {
    if (selected === null && runs.length > 0) setSelected(defaultRunIds(history.runs, history.comparisons, comparisonId));
  }, [selected, runs, history.runs, history.comparisons, comparisonId]);
  const chosen = selected ?? [];

  const toggle = (id: string) =>
    setSelected(chosen.includes(id) ? chosen.filter((x) => x !== id) : chosen.length < MAX_PLAYGROUND_RUNS ? [...chosen, id] : chosen);

  const predict = async () => {
    if (chosen.length === 0 || text.trim() === '') return;
    setBusy(true);
    setError(null);
    const result = await getApi().invoke('predict.text', { runIds: chosen, text, ...(textPair.trim() ? { textPair } : {}) });
    setBusy(false);
    if (result.ok) setResults(result.value.results);
    else setError(result.error);
  };

  return (
    <div className="playground" data-testid="playground">
      <h1>Playground</h1>
      {runs.length === 0 ? (
        <p className="muted" data-testid="playground-empty">
          No finished runs yet. Train a comparison first; its runs appear here once they complete.
        </p>
      ) : (
        <>
          <section className="card" aria-labelledby="playground-runs-heading">
            <h2 id="playground-runs-heading">Runs</h2>
            <ul className="playground-run-list">
              {runs.map((run) => (
                <li key={run.id}>
                  <label>
                    <input type="checkbox" checked={chosen.includes(run.id)} onChange={() => toggle(run.id)} data-testid="playground-run" data-run-id={run.id} />{' '}
                    <span className={`arm-dot arm-${run.loss}`} aria-hidden="true" /> {run.name}
                  </label>
                </li>
              ))}
            </ul>
            <p className="muted">Up to {MAX_PLAYGROUND_RUNS} runs at once.</p>
          </section>
          <section className="card" aria-labelledby="playground-text-heading">
            <h2 id="playground-text-heading">Text</h2>
            <form
              className="playground-form"
              onSubmit={(e) => {
                e.preventDefault();
                void predict();
              }}
            >
              <textarea
                value={text}
                onChange={(e) => setText(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void predict();
                }}
                rows={4}
                placeholder="Type or paste a text to classify (for a question answering run: the question)"
                data-testid="playground-text"
              />
              <textarea
                value={textPair}
                onChange={(e) => setTextPair(e.target.value)}
                rows={2}
                placeholder="Second text (optional, for sentence-pair datasets; for question answering: the context to answer from)"
                data-testid="playground-text-pair"
              />
              <button type="submit" className="button primary" disabled={busy || chosen.length === 0 || text.trim() === ''} data-testid="playground-predict">
                {busy ? 'Predicting…' : 'Predict'}
              </button>
            </form>
            <ErrorMessage title="Could not predict" error={error} />
          </section>
          {results.length > 0 && <PlaygroundResults results={results} context={textPair} />}
          <PlaygroundFile runs={runs.filter((run) => chosen.includes(run.id))} />
        </>
      )}
    </div>
  );
}
