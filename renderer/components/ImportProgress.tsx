// Progress and cancel for one file being imported. The service reports 'dataset.importProgress'
// for uploads over a few MB (keyed by file name) and for streamed files (keyed by path); the parse
// of an upload runs in one step, so the bar moves per file and a cancel lands before storing.
import { useState } from 'react';
import type { EventPayload } from '../../shared/contract';
import { getApi } from '../api';
import { useApiEvent } from '../lib/hooks';

interface ImportProgressProps {
  /** The file name (uploads) or path (streamed files) the progress events carry. */
  importKey: string;
}

export function ImportProgress({ importKey }: ImportProgressProps) {
  const [progress, setProgress] = useState<EventPayload<'dataset.importProgress'> | null>(null);
  const [cancelling, setCancelling] = useState(false);
  useApiEvent('dataset.importProgress', (p) => {
    if (p.path === importKey) setProgress(p);
  });
  // Nothing is shown for small files: they finish before a bar would be read.
  if (!progress) return null;
  const fraction = progress.totalBytes > 0 ? progress.bytes / progress.totalBytes : 0;
  return (
    <div className="import-progress" data-testid="import-progress">
      {/* No value while nothing is done yet: an indeterminate bar says "working" rather than "0%". */}
      <progress max={1} value={fraction > 0 ? fraction : undefined} aria-label={`Importing ${importKey}`} />
      <span className="muted">
        {(progress.bytes / 1e6).toFixed(1)} of {(progress.totalBytes / 1e6).toFixed(1)} MB
        {progress.rows > 0 ? ` · ${progress.rows.toLocaleString()} rows` : ''}
      </span>
      <button
        type="button"
        className="button"
        data-testid="cancel-import"
        disabled={cancelling}
        onClick={() => {
          setCancelling(true);
          void getApi().invoke('datasets.cancelImport', { path: importKey });
        }}
      >
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}
