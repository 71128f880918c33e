// "Predict a file": one run over a CSV/TSV/JSON Lines file, the result downloaded as CSV.
import { useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import type { RunSummary } from '../../shared/schemas';
import { getApi } from '../api';
import { useApiEvent } from '../lib/hooks';
import { ErrorMessage } from './ErrorMessage';

interface Done {
  fileName: string;
  csv: string;
  rows: number;
  ms: number;
}

function download(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoked later: the download may not have read the blob yet when click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function PlaygroundFile({ runs }: { runs: RunSummary[] }) {
  const [runId, setRunId] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const chosen = runs.find((run) => run.id === runId) ?? runs[0];

  useApiEvent('predict.progress', (p) => {
    if (busy !== null && p.fileName === busy) setProgress({ done: p.done, total: p.total });
  });

  const predictFile = async (file: File) => {
    if (!chosen) return;
    setBusy(file.name);
    setProgress(null);
    setError(null);
    setDone(null);
    const result = await getApi().invoke('predict.file', { runId: chosen.id, fileName: file.name, content: await file.text() });
    setBusy(null);
    if (!result.ok) return setError(result.error);
    setDone(result.value);
    download(result.value.fileName, result.value.csv);
  };

  return (
    <section className="card playground-file" aria-labelledby="playground-file-heading">
      <h2 id="playground-file-heading">Predict a file</h2>
      <p className="muted">
        A CSV, TSV or JSON Lines file with a <code>text</code> column (and <code>text_pair</code> for pairs). You get it back as CSV with the
        predicted label and one probability column per label.
      </p>
      <div className="playground-file-row">
        <label>
          Run{' '}
          <select value={chosen?.id ?? ''} onChange={(e) => setRunId(e.target.value)} data-testid="playground-file-run" disabled={runs.length === 0}>
            {runs.map((run) => (
              <option key={run.id} value={run.id}>
                {run.name}
              </option>
            ))}
          </select>
        </label>
        <label className={`button${!chosen || busy ? ' is-disabled' : ''}`}>
          Choose a file…
          <input
            type="file"
            hidden
            accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json"
            data-testid="playground-file"
            disabled={!chosen || busy !== null}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void predictFile(file);
            }}
          />
        </label>
      </div>
      {busy && (
        <p className="muted" data-testid="playground-file-busy">
          Predicting {busy}…{progress ? ` ${progress.done.toLocaleString()} / ${progress.total.toLocaleString()}` : ''}
        </p>
      )}
      <ErrorMessage title="Could not predict the file" error={error} />
      {done && (
        <div data-testid="playground-file-done" data-rows={done.rows}>
          <p>
            {done.rows.toLocaleString()} rows in {(done.ms / 1000).toFixed(1)} s ·{' '}
            <button type="button" className="link-button" onClick={() => download(done.fileName, done.csv)}>
              download {done.fileName} again
            </button>
          </p>
          <pre className="playground-csv-preview" data-testid="playground-csv-preview">
            {done.csv.split('\n').slice(0, 6).join('\n')}
          </pre>
        </div>
      )}
    </section>
  );
}
