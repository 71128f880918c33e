// "Export model" for a finished run: writes its best model into the data folder's exports/ (the
// services pick the folder, so this works from browser pages too), shows where it went and, in a
// browser, offers the folder as a zip download; the desktop app opens it in the file manager.
import { useState } from 'react';
import type { ResponseOf } from '../../shared/contract';
import type { AppErrorValue } from '../../shared/errors';
import type { RunSummary } from '../../shared/schemas';
import { exportDownloadUrl, getApi } from '../api';
import { type ExportFormat, exportFormats, FORMAT_NAMES } from '../lib/export-formats';
import { ErrorMessage } from './ErrorMessage';

export function RunExport({ run }: { run: RunSummary }) {
  const formats = exportFormats(run);
  const [format, setFormat] = useState<ExportFormat>(formats[0]);
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<ResponseOf<'runs.export'> | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);

  // In a browser the folder is on the server's disk: offer it as a zip.
  const download = result ? exportDownloadUrl(run.id, result.format) : undefined;

  const exportModel = async () => {
    setPending(true);
    setError(null);
    setResult(null);
    const answer = await getApi().invoke('runs.export', { runId: run.id, format });
    setPending(false);
    if (answer.ok) setResult(answer.value);
    else setError(answer.error);
  };

  // The desktop app: the folder is on this machine, so the file manager shows it.
  const openFolder = async () => {
    if (!result) return;
    const answer = await getApi().invoke('runs.openExport', { runId: run.id, format: result.format });
    if (!answer.ok) setError(answer.error);
  };

  return (
    <div className="run-export" data-testid="run-export">
      <label>
        Format{' '}
        <select data-testid="run-export-format" value={format} disabled={pending} onChange={(event) => setFormat(event.target.value as ExportFormat)}>
          {formats.map((f) => (
            <option key={f} value={f}>
              {FORMAT_NAMES[f]}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button small" data-testid="run-export-button" disabled={pending} onClick={() => void exportModel()}>
        {pending ? 'Exporting…' : 'Export'}
      </button>
      {formats.length === 1 && <span className="muted">Built-in model: TF.js only (fine-tune a pretrained model for a Hugging Face folder).</span>}
      {result && (
        <p className="run-export-result" data-testid="run-export-result" data-folder={result.folder}>
          Written to <code data-testid="run-export-folder">{result.folder}</code>: {result.files.join(', ')}
          {download ? (
            <>
              {' '}
              <a className="button small" href={download} download data-testid="run-export-download">
                Download as .zip
              </a>
            </>
          ) : (
            <>
              {' '}
              <button type="button" className="button small" data-testid="run-export-open" onClick={() => void openFolder()}>
                Open folder
              </button>
            </>
          )}
        </p>
      )}
      <ErrorMessage title="Could not export the model" error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
