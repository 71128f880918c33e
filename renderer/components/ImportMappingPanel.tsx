// Before importing: the proposed column mapping and task, which a person can change, the
// validation report for exactly those choices, and the "skip bad rows" option. Every change asks
// the services again ('datasets.inspect' stores nothing), so what is shown is what will be stored.
import { useEffect, useState } from 'react';
import type { DatasetInspection, DatasetTask, ImportFile, ImportOptions } from '../../shared/dataset-report';
import type { AppErrorValue } from '../../shared/errors';
import type { DatasetSummary } from '../../shared/schemas';
import { DATASET_TASK_LABELS, DatasetTaskSchema } from '../../shared/tasks';
import { getApi } from '../api';
import { ErrorMessage } from './ErrorMessage';
import { ValidationReportPanel } from './ValidationReportPanel';

const TASKS = DatasetTaskSchema.options.map((task) => [task, DATASET_TASK_LABELS[task]] as const);
/** The share held out as the test split when a person asks for one (a single file has none of its own). */
const TEST_SHARE = 0.2;

/** The format a file's name suggests, for what is said before the services have answered. */
function formatOfName(name: string): string | undefined {
  if (/\.parquet$/i.test(name)) return 'parquet';
  if (/\.json$/i.test(name)) return 'json';
  return undefined;
}

interface Props {
  name: string;
  files: ImportFile[];
  onImported: (dataset: DatasetSummary) => void;
  onCancel: () => void;
}

export function ImportMappingPanel({ name, files, onImported, onCancel }: Props) {
  const [options, setOptions] = useState<ImportOptions>({});
  const [inspection, setInspection] = useState<DatasetInspection | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    setBusy(true);
    void getApi()
      .invoke('datasets.inspect', { files, options })
      .then((result) => {
        if (!current) return;
        setBusy(false);
        if (result.ok) (setInspection(result.value), setError(null));
        else setError(result.error);
      });
    return () => {
      current = false;
    };
  }, [files, options]);

  const save = async () => {
    setBusy(true);
    const result = await getApi().invoke('datasets.importFiles', { name, files, options });
    setBusy(false);
    if (result.ok) onImported(result.value);
    else setError(result.error);
  };

  // Offered whenever the texts hold markup (main/services/import/html.ts), and kept while ticked.
  const html = inspection?.report.issues.find((issue) => issue.kind === 'html_markup');
  const format = inspection?.format ?? (files.length === 1 ? formatOfName(files[0].name) : undefined);
  const wholeDocument = format === 'json' || format === 'squad' ? 'A JSON document' : format === 'parquet' ? 'A Parquet file' : undefined;
  const columns = inspection?.columns ?? [];
  const mapping = inspection?.mapping;
  const select = (label: string, value: string | undefined, set: (v: string) => void, allowNone = false) => (
    <label className="mapping-field">
      {label}
      <select value={value ?? ''} disabled={busy} onChange={(e) => set(e.target.value)}>
        {allowNone && <option value="">(none)</option>}
        {columns.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section className="card import-mapping" data-testid="import-mapping">
      <h2>Check {name} before importing</h2>
      <ErrorMessage title="This choice does not work yet" error={error} onDismiss={() => setError(null)} />
      {inspection && mapping && (
        <>
          <p className="muted">
            {inspection.rows} rows · {inspection.format} · {inspection.splits.train} train / {inspection.splits.validation} validation
            {inspection.splits.test > 0 ? ` / ${inspection.splits.test} test` : ''}
            {inspection.existingId ? ' · already imported' : ''}
          </p>
          <div className="mapping-fields">
            {select('Text', mapping.textColumn, (v) => setOptions({ ...options, textColumn: v }))}
            {select('Second text', mapping.textPairColumn, (v) => setOptions({ ...options, textPairColumn: v }), true)}
            {select('Label', mapping.labelColumn, (v) => setOptions({ ...options, labelColumn: v }))}
            <label className="mapping-field">
              Task
              <select value={inspection.task} disabled={busy} onChange={(e) => setOptions({ ...options, task: e.target.value as DatasetTask })}>
                {TASKS.map(([task, label]) => (
                  <option key={task} value={task}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ValidationReportPanel report={inspection.report} />
        </>
      )}
      {files.length === 1 && (
        <label className="mapping-field">
          <input
            type="checkbox"
            data-testid="hold-out-test"
            checked={(options.testFraction ?? 0) > 0}
            disabled={busy}
            onChange={(e) => setOptions({ ...options, testFraction: e.target.checked ? TEST_SHARE : undefined })}
          />{' '}
          Hold out {TEST_SHARE * 100}% as a test split (stratified, fixed seed): runs pick their checkpoint on validation and the comparison is scored once on
          test, so its numbers are not biased by that choice
        </label>
      )}
      <label className="mapping-field">
        <input
          type="checkbox"
          data-testid="skip-bad-rows"
          checked={options.skipBadRows ?? false}
          disabled={busy}
          onChange={(e) => setOptions({ ...options, skipBadRows: e.target.checked || undefined })}
        />{' '}
        Skip bad rows (each is listed with why); otherwise the first bad row stops the import
      </label>
      {wholeDocument && (
        <p className="muted" data-testid="skip-bad-rows-limit">
          {wholeDocument} is read as a whole: skipping leaves out rows with a missing or unusable value, but a syntax error in the file still stops the import.
        </p>
      )}
      {(html || options.stripHtml) && (
        <div className="html-flag" data-testid="html-flag">
          {html && <p>{html.message}</p>}
          <label className="mapping-field">
            <input
              type="checkbox"
              data-testid="strip-html"
              checked={options.stripHtml ?? false}
              disabled={busy}
              onChange={(e) => setOptions({ ...options, stripHtml: e.target.checked || undefined })}
            />{' '}
            Strip HTML tags (and decode entities such as &amp;amp;) before storing
          </label>
        </div>
      )}
      <div className="import-actions">
        <button type="button" className="button primary" disabled={busy || !inspection} onClick={() => void save()}>
          {busy ? 'Checking…' : 'Import'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
