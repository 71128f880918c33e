// A dataset, its settings, and the one primary action: start a seed-matched comparison.
import { useEffect, useState } from 'react';
import type { AppInfo, ComparisonSummary } from '../../shared/schemas';
import type { AppErrorValue } from '../../shared/errors';
import { getApi } from '../api';
import { withTrainingBudget } from '../../shared/training-budget';
import { buildStartRequest, draftFromDefaults, type SettingsDraft } from '../lib/settings';
import { useApiQuery } from '../lib/useApiQuery';
import { DatasetPreview } from './DatasetPreview';
import { DatasetReport } from './DatasetReport';
import { ErrorMessage } from './ErrorMessage';
import { ModelPicker } from './ModelPicker';
import { SettingsPanel } from './SettingsPanel';

interface DatasetViewProps {
  datasetId: string;
  info: AppInfo | null;
  onStarted: (comparison: ComparisonSummary) => void;
}

const PREVIEW_ROWS = 20;

export function DatasetView({ datasetId, info, onStarted }: DatasetViewProps) {
  const preview = useApiQuery('datasets.preview', { id: datasetId, limit: PREVIEW_ROWS });
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<AppErrorValue | string | null>(null);

  // The draft starts from the server's defaults once they are known.
  useEffect(() => {
    if (info && !draft) setDraft(draftFromDefaults(info.defaults, info.defaultSeeds));
  }, [info, draft]);

  const start = async () => {
    if (!info || !draft) return;
    const built = buildStartRequest(datasetId, draft, info.defaults, info.defaultSeeds);
    if (!built.ok) {
      setStartError(built.message);
      return;
    }
    setStartError(null);
    setStarting(true);
    const result = await getApi().invoke('comparisons.start', built.request);
    setStarting(false);
    if (result.ok) onStarted(result.value);
    else setStartError(result.error);
  };

  const seeds = draft ? Number(draft.seeds) : info?.defaultSeeds;
  const draftEpochs = draft ? Number(draft.epochs) : info?.defaults.epochs;
  // Left at the default, the server sizes epochs to the data: show what it will train.
  const sized = info?.epochsSizedToData && preview.data && draftEpochs === info.defaults.epochs;
  const epochs = sized ? withTrainingBudget(info.defaults, {}, preview.data!.dataset).epochs : draftEpochs;
  const heldOut = preview.data?.dataset.splits.test ? 'the held-out test split' : 'validation';

  return (
    <div className="dataset-view">
      <ErrorMessage title="Could not load the dataset" error={preview.error} />
      {!preview.data && !preview.error && <p className="muted">Loading the dataset…</p>}
      {preview.data && (
        // First, so the one action is on screen right after an import (the preview and checks follow).
        <section className="card start-card">
          <div className="start-row">
            <button
              type="button"
              className="button primary big"
              data-testid="finetune-compare"
              disabled={!info || !draft || starting}
              onClick={() => void start()}
            >
              {starting ? 'Starting…' : 'Fine-tune & compare'}
            </button>
            <p className="muted">
              Trains a baseline and a comparative-loss model on <strong>{preview.data.dataset.name}</strong> for each of {seeds ?? '…'} seed
              {seeds === 1 ? '' : 's'}, {epochs ?? '…'} epoch{epochs === 1 ? '' : 's'} each
              {sized && epochs !== info?.defaults.epochs ? ' (sized to the data, stopping early once validation stops improving)' : ''}, on the same split, then
              compares them on {heldOut}.
            </p>
          </div>
          {draft && (
            <ModelPicker
              value={draft.model}
              // The paper's rate for the model's size; the settings keep it editable.
              onSelect={(model) => setDraft({ ...draft, model: model.source, learningRate: String(model.recommendedLearningRate) })}
            />
          )}
          {info && draft && (
            <SettingsPanel
              draft={draft}
              defaults={info.defaults}
              onChange={setDraft}
              onReset={() => setDraft(draftFromDefaults(info.defaults, info.defaultSeeds))}
            />
          )}
          <ErrorMessage title="Could not start" error={startError} onDismiss={() => setStartError(null)} />
        </section>
      )}
      {preview.data && <DatasetPreview preview={preview.data} />}
      {preview.data && <DatasetReport datasetId={datasetId} />}
    </div>
  );
}
