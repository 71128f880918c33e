// Which model the runs start from: the built-in one, a hub model already in the cache, a folder
// (typed path, desktop app only), or a hub id to download. Choosing one also proposes the paper's
// learning rate for its size, which stays editable in the settings.
import { useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import { formatBytes, formatParameters, type ModelDownloadProgress, type ModelInfo } from '../../shared/models';
import { getApi } from '../api';
import { useApiEvent } from '../lib/hooks';
import { useApiQuery } from '../lib/useApiQuery';
import { ErrorMessage } from './ErrorMessage';

interface ModelPickerProps {
  /** The chosen model's source ('builtin', a folder path or a hub id). */
  value: string;
  onSelect: (model: ModelInfo) => void;
}

function familyLabel(model: ModelInfo): string {
  return model.familyLabel ?? 'unknown';
}

export function modelSummary(model: ModelInfo): string {
  const shape = model.layers === null ? '' : `, ${model.layers} layer${model.layers === 1 ? '' : 's'} × ${model.hiddenSize ?? '?'}`;
  const name = model.kind === 'builtin' ? shape.slice(2) : `${familyLabel(model)}${shape}`;
  return `${name}, ${formatParameters(model.parameters)} parameters`;
}

function ModelDetails({ model }: { model: ModelInfo }) {
  const rows: [string, string][] = [
    ['Family', familyLabel(model)],
    ['Layers', String(model.layers ?? '?')],
    ['Hidden size', String(model.hiddenSize ?? '?')],
    ['Parameters', `${formatParameters(model.parameters)} (${model.sizeClass})`],
    ['Size on disk', formatBytes(model.sizeBytes)],
    ['Recommended learning rate', String(model.recommendedLearningRate)],
  ];
  return (
    <div className="model-details" data-testid="model-details">
      <dl>
        {rows.map(([label, value]) => (
          <div key={label} data-field={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {model.folder && <p className="muted model-folder">{model.folder}</p>}
      {!model.usable && (
        <ul className="model-problems" data-testid="model-problems">
          {model.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ModelOption({ model, checked, onChoose }: { model: ModelInfo; checked: boolean; onChoose: () => void }) {
  return (
    <label className={`model-option${model.usable ? '' : ' unusable'}`} data-testid="model-option" data-source={model.source}>
      <input type="radio" name="model" checked={checked} disabled={!model.usable} onChange={onChoose} />
      <span className="model-name">{model.kind === 'builtin' ? 'Built-in (trained from scratch)' : model.kind === 'shipped' ? `${model.source} (pretrained, ships with Comparo)` : model.source}</span>
      <span className="muted">
        {modelSummary(model)}
        {model.sizeBytes !== null ? ` · ${formatBytes(model.sizeBytes)}` : ''}
      </span>
    </label>
  );
}

export function ModelPicker({ value, onSelect }: ModelPickerProps) {
  const list = useApiQuery('models.list', {});
  const [extra, setExtra] = useState<ModelInfo | null>(null);
  const [folder, setFolder] = useState('');
  const [hubId, setHubId] = useState('');
  const [busy, setBusy] = useState<'inspect' | 'download' | null>(null);
  const [progress, setProgress] = useState<ModelDownloadProgress | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);

  useApiEvent('model.downloadProgress', (p) => {
    if (busy === 'download' && p.id === hubId.trim()) setProgress(p);
  });

  const data = list.data;
  const all = data ? [...data.builtin, ...data.cached, ...data.recent] : [];
  const listed = extra && !all.some((m) => m.source === extra.source) ? [...all, extra] : all;
  const selected = listed.find((m) => m.source === value) ?? null;

  const choose = (model: ModelInfo) => {
    setError(null);
    if (model.usable) onSelect(model);
  };

  const inspectFolder = async () => {
    setBusy('inspect');
    const result = await getApi().invoke('models.inspect', { source: folder.trim() });
    setBusy(null);
    if (!result.ok) return setError(result.error);
    setExtra(result.value);
    list.reload();
    if (result.value.usable) choose(result.value);
    else setError({ code: 'bad_input', message: result.value.problems.join(' ') });
  };

  const download = async () => {
    setBusy('download');
    setProgress(null);
    setError(null);
    const result = await getApi().invoke('models.download', { id: hubId.trim() });
    setBusy(null);
    if (!result.ok) return setError(result.error);
    setExtra(result.value);
    list.reload();
    choose(result.value);
  };

  return (
    <details className="model-picker" data-testid="model-picker">
      <summary>
        Model: <strong data-testid="model-current">{value === 'builtin' ? 'Built-in' : value}</strong>
        {selected && <span className="muted"> · {modelSummary(selected)} · learning rate {selected.recommendedLearningRate}</span>}
      </summary>
      <ErrorMessage title="Could not list the models" error={list.error} />
      {data && (
        <div className="model-picker-body">
          <fieldset className="model-list">
            <legend>Built-in and downloaded</legend>
            {[...data.builtin, ...data.cached].map((m) => (
              <ModelOption key={m.source} model={m} checked={m.source === value} onChoose={() => choose(m)} />
            ))}
            {data.cached.length === 0 && <p className="muted">No hub models in {data.cacheDir} yet.</p>}
          </fieldset>
          {listed.length > data.builtin.length + data.cached.length && (
            <fieldset className="model-list">
              <legend>Folders</legend>
              {listed.slice(data.builtin.length + data.cached.length).map((m) => (
                <ModelOption key={m.source} model={m} checked={m.source === value} onChoose={() => choose(m)} />
              ))}
            </fieldset>
          )}
          {data.canInspectPaths ? (
            <form className="model-row" onSubmit={(e) => (e.preventDefault(), void inspectFolder())}>
              <input name="model-folder" placeholder="/path/to/a/model folder (config.json, model.safetensors, tokenizer)" value={folder} onChange={(e) => setFolder(e.target.value)} />
              <button type="submit" className="button small" disabled={!folder.trim() || busy !== null}>
                {busy === 'inspect' ? 'Reading…' : 'Use folder'}
              </button>
            </form>
          ) : (
            <p className="muted">Folders on disk can be added from the desktop app, or with: npm run cli -- models inspect &lt;folder&gt;</p>
          )}
          <form className="model-row" onSubmit={(e) => (e.preventDefault(), void download())}>
            <input name="model-hub-id" placeholder="hub id, e.g. google/electra-small-discriminator" value={hubId} onChange={(e) => setHubId(e.target.value)} />
            <button type="submit" className="button small" data-testid="model-download" disabled={!hubId.trim() || busy !== null}>
              {busy === 'download' ? 'Downloading…' : 'Download'}
            </button>
          </form>
          {busy === 'download' && progress && (
            <div className="model-progress" data-testid="model-progress">
              <span>
                {progress.file} ({progress.fileIndex}/{progress.fileCount}) {formatBytes(progress.receivedBytes)}
                {progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}
              </span>
              <progress max={progress.totalBytes ?? undefined} value={progress.receivedBytes} />
            </div>
          )}
          <ErrorMessage title="That model cannot be used" error={error} onDismiss={() => setError(null)} />
          {selected && <ModelDetails model={selected} />}
        </div>
      )}
    </details>
  );
}
