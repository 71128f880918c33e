// "Download report": the comparison as one self-contained HTML page, or its metrics as JSON/CSV.
// The services build the file (comparisons.report); the page hands it to the browser as a Blob
// download, which works the same in Electron and in browser mode (a save dialog can come later).
import { useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import type { ReportFormat } from '../../shared/history';
import { getApi } from '../api';
import { ErrorMessage } from './ErrorMessage';

const FORMATS: Array<{ format: ReportFormat; label: string; title: string }> = [
  { format: 'html', label: 'Download report', title: 'One HTML file: setup, data hash, tables, statistics, charts; opens offline' },
  { format: 'json', label: 'JSON', title: 'Every metric and statistic as JSON' },
  { format: 'csv', label: 'CSV', title: 'One row per run and final metric' },
];

export function ReportDownloads({ comparisonId }: { comparisonId: string }) {
  const [busy, setBusy] = useState<ReportFormat | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);

  const download = async (format: ReportFormat) => {
    setBusy(format);
    setError(null);
    const result = await getApi().invoke('comparisons.report', { id: comparisonId, format });
    setBusy(null);
    if (!result.ok) return setError(result.error);
    const url = URL.createObjectURL(new Blob([result.value.content], { type: result.value.mimeType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = result.value.fileName;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked after the click has handed the Blob to the download.
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <div className="report-downloads" data-testid="report-downloads">
      {FORMATS.map(({ format, label, title }) => (
        <button key={format} type="button" className="button small" title={title} disabled={busy !== null} onClick={() => void download(format)} data-testid={`download-${format}`}>
          {busy === format ? 'Preparing…' : label}
        </button>
      ))}
      <ErrorMessage error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
