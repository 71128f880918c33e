// First screen: bring a dataset in by dropping it, picking it, or using the bundled sample.
import { useRef, useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import type { RequestOf } from '../../shared/contract';
import type { DatasetSummary } from '../../shared/schemas';
import { getApi, uploadDataset } from '../api';
import { DATASET_EXTENSIONS, looksLikeDataset } from '../lib/droppedFiles';
import { isSplitSet, toImportFile } from '../lib/importUpload';
import type { ImportFile } from '../../shared/dataset-report';
import { DropZone } from './DropZone';
import { ErrorMessage } from './ErrorMessage';
import { ImportMappingPanel } from './ImportMappingPanel';
import { ImportProgress } from './ImportProgress';

/** The contract's limit on 'datasets.importText' content (the desktop app's IPC); checked before reading 512 MiB. */
const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

interface FailedImport {
  fileName: string;
  error: AppErrorValue;
}

interface ImportViewProps {
  embeddedDatasetName?: string;
  onImported: (dataset: DatasetSummary) => void;
}

async function importFile(file: File): Promise<{ ok: true; dataset: DatasetSummary } | { ok: false; error: AppErrorValue }> {
  // Browser mode streams the file's bytes to the server, which streams big files into the
  // database: no size limit here, and no copy of the file as one string in this page.
  const uploaded = uploadDataset(file);
  if (uploaded) {
    const result = await uploaded;
    return result.ok ? { ok: true, dataset: result.value } : { ok: false, error: result.error };
  }
  if (file.size > MAX_IMPORT_BYTES) {
    return { ok: false, error: { code: 'bad_input', message: `${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MiB; the limit is 512 MiB.` } };
  }
  let upload: ImportFile;
  try {
    upload = await toImportFile(file);
  } catch (cause) {
    return { ok: false, error: { code: 'bad_input', message: `Could not read ${file.name}: ${cause instanceof Error ? cause.message : String(cause)}` } };
  }
  // UTF-8 text goes as before; binary (Parquet) and other encodings as base64 bytes.
  const name = file.name.replace(/\.[^.]+$/, '') || file.name;
  const result =
    upload.encoding === 'base64'
      ? await getApi().invoke('datasets.importFiles', { name, files: [upload] })
      : await getApi().invoke('datasets.importText', { fileName: file.name, content: upload.content });
  return result.ok ? { ok: true, dataset: result.value } : { ok: false, error: result.error };
}

export function ImportView({ embeddedDatasetName, onImported }: ImportViewProps) {
  const [reviewFirst, setReviewFirst] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  // The file being imported one by one, whose progress events the bar follows.
  const [current, setCurrent] = useState<string | null>(null);
  const [failures, setFailures] = useState<FailedImport[]>([]);
  // Set when some files imported and others failed: we stay here so the errors remain readable.
  const [partlyImported, setPartlyImported] = useState<DatasetSummary | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // A folder of train/validation/test files picked, as the drop zone takes a dropped folder.
  const folderInput = useRef<HTMLInputElement>(null);
  // Files to review (columns, task, checks) before importing: after a failure, or on request.
  // `key` gives each review its own panel: a new file never inherits the last one's mapping or options.
  const [review, setReview] = useState<{ key: number; name: string; files: ImportFile[] } | null>(null);
  const reviews = useRef(0);
  const [lastFiles, setLastFiles] = useState<File[]>([]);

  const openReview = async (files: File[]) => {
    const name = files.length === 1 ? files[0].name.replace(/\.[^.]+$/, '') : 'dataset';
    const key = ++reviews.current;
    const uploads = await Promise.all(files.map(toImportFile));
    // A file dropped while this one was being read has replaced it.
    if (key === reviews.current) setReview({ key, name, files: uploads });
  };

  const importFiles = async (files: File[]) => {
    // A new file starts over: the previous file's panel (mapping, options, preview) and errors go.
    reviews.current++;
    setReview(null);
    setFailures([]);
    setPartlyImported(null);
    setLastFiles(files);
    // The automatic mapping is right for most files; people who know better choose before storing.
    if (reviewFirst) {
      await openReview(files);
      return;
    }
    // train/validation/test files dropped together (a folder) are one dataset with those splits.
    if (isSplitSet(files)) {
      setBusy(`Importing ${files.length} split files…`);
      const uploads = await Promise.all(files.map(toImportFile));
      const result = await getApi().invoke('datasets.importFiles', { name: 'dataset', files: uploads });
      setBusy(null);
      if (result.ok) onImported(result.value);
      else setFailures([{ fileName: files.map((f) => f.name).join(', '), error: result.error }]);
      return;
    }
    const failed: FailedImport[] = [];
    let lastImported: DatasetSummary | null = null;
    for (const file of files) {
      setBusy(`Importing ${file.name}…`);
      setCurrent(file.name);
      const outcome = await importFile(file);
      setCurrent(null);
      if (outcome.ok) lastImported = outcome.dataset;
      else failed.push({ fileName: file.name, error: outcome.error });
    }
    setBusy(null);
    setFailures(failed);
    // With several files, open the last one that worked; the others are in the history list.
    if (lastImported && failed.length === 0) onImported(lastImported);
    else setPartlyImported(lastImported);
  };

  const importSample = async (name?: RequestOf<'datasets.importEmbedded'>['name']) => {
    setFailures([]);
    setPartlyImported(null);
    setBusy(name?.startsWith('squad') ? 'Importing the SQuAD sample…' : 'Importing the sample dataset…');
    const result = await getApi().invoke('datasets.importEmbedded', name ? { name } : {});
    setBusy(null);
    if (result.ok) onImported(result.value);
    else setFailures([{ fileName: embeddedDatasetName ?? 'sample dataset', error: result.error }]);
  };

  return (
    <section className="import-view">
      <h1>Bring your dataset</h1>
      <p className="lead">
        A table of texts and labels: CSV, TSV, JSON, JSON Lines or Parquet, or a folder of train/validation/test files. Comparo splits it into training and validation, fine-tunes a
        baseline and a comparative-loss model with the same seeds, and shows which one did better.
      </p>
      <DropZone onFiles={(files) => void importFiles(files)} disabled={busy !== null} inputRef={fileInput}>
        <div className="drop-zone-icon" aria-hidden="true">⇣</div>
        <p className="drop-zone-title">{busy ?? 'Drop a dataset file or folder here'}</p>
        <p className="drop-zone-hint">{busy ? 'Reading and checking every row.' : `${DATASET_EXTENSIONS.join(' ')} · or click to choose a file`}</p>
      </DropZone>
      {busy !== null && current !== null && <ImportProgress key={current} importKey={current} />}
      <div className="import-actions">
        <button type="button" className="button" disabled={busy !== null} onClick={() => fileInput.current?.click()}>
          Choose a file…
        </button>
        <button type="button" className="button" data-testid="choose-folder" disabled={busy !== null} onClick={() => folderInput.current?.click()}>
          Choose a folder…
        </button>
        <input
          ref={folderInput}
          type="file"
          hidden
          data-testid="folder-input"
          // React has no typed prop for it; Chromium, Firefox and Safari all read the attribute.
          {...{ webkitdirectory: '' }}
          onChange={(event) => {
            // Inside a folder only dataset files count (a README or LICENSE beside them is skipped).
            const files = Array.from(event.target.files ?? []).filter((f) => looksLikeDataset(f.name));
            event.target.value = '';
            if (files.length > 0) void importFiles(files);
          }}
        />
        <span className="muted">or</span>
        <button type="button" className="button" data-testid="use-sample" disabled={busy !== null} onClick={() => void importSample()}>
          Use the sample dataset (IMDB reviews)
        </button>
        <button type="button" className="button" data-testid="use-spam-sample" disabled={busy !== null} onClick={() => void importSample('spam')}>
          Spam vs ham e-mail
        </button>
        <button type="button" className="button" data-testid="use-squad-sample" disabled={busy !== null} onClick={() => void importSample('squad')} title="952 real SQuAD 2.0 questions on 109 Wikipedia paragraphs, unanswerable ones included (CC BY-SA 4.0)">
          Questions and answers (SQuAD 2.0)
        </button>
        <button type="button" className="button" data-testid="use-squad-long-sample" disabled={busy !== null} onClick={() => void importSample('squad-long')} title="The same questions, each context with 3 other paragraphs of its article shuffled in: long inputs, where cropping matters">
          Long-input questions
        </button>
        <label className="inline-toggle">
          <input type="checkbox" data-testid="review-first" checked={reviewFirst} onChange={(event) => setReviewFirst(event.target.checked)} /> Review
          columns and task before importing
        </label>
      </div>
      {partlyImported && (
        <p className="notice">
          Imported {partlyImported.name}.{' '}
          <button type="button" className="link-button" onClick={() => onImported(partlyImported)}>
            Open it
          </button>
        </p>
      )}
      {failures.map((failure) => (
        <ErrorMessage key={failure.fileName} title={`Could not import ${failure.fileName}`} error={failure.error} />
      ))}
      {failures.length > 0 && lastFiles.length > 0 && !review && (
        <button type="button" className="button" data-testid="review-import" onClick={() => void openReview(lastFiles)}>
          Choose columns, task or skip bad rows…
        </button>
      )}
      {review && <ImportMappingPanel key={review.key} name={review.name} files={review.files} onImported={onImported} onCancel={() => setReview(null)} />}
    </section>
  );
}
