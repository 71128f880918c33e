// A dataset, its settings, and the one primary action: start a seed-matched comparison.
import { useEffect, useMemo, useState } from 'react';
import type { ComparisonSummary } from '../../shared/schemas';
import type { AppInfo, PresetInfo, TimeEstimate } from '../../shared/app-info';
import type { PresetName } from '../../shared/vocabulary';
import { estimateText } from '../../shared/durations';
import type { AppErrorValue } from '../../shared/errors';
import { getApi } from '../api';
import { withTaskDefaults } from '../../shared/task-run-defaults';
import { withTrainingBudget } from '../../shared/training-budget';
import { buildStartRequest, draftFromDefaults, type SettingsDraft } from '../lib/settings';
import { useApiQuery } from '../lib/useApiQuery';
import { DatasetPreview } from './DatasetPreview';
import { DatasetReport } from './DatasetReport';
import { ErrorMessage } from './ErrorMessage';
import { AdaptModel } from './AdaptModel';
import { ModelPicker } from './ModelPicker';
import { SettingsPanel } from './SettingsPanel';

interface DatasetViewProps {
  datasetId: string;
  info: AppInfo | null;
  onStarted: (comparison: ComparisonSummary) => void;
}

const PREVIEW_ROWS = 20;
/** Typing a setting re-prices the comparison once the typing pauses. */
const ESTIMATE_DEBOUNCE_MS = 400;

export function DatasetView({ datasetId, info, onStarted }: DatasetViewProps) {
  const preview = useApiQuery('datasets.preview', { id: datasetId, limit: PREVIEW_ROWS });
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [starting, setStarting] = useState(false);
  const [pickerVersion, setPickerVersion] = useState(0);
  const [startError, setStartError] = useState<AppErrorValue | string | null>(null);

  const [presetName, setPresetName] = useState<PresetName | null>(null);
  const preset = useMemo(() => (info ? presetOf(info, presetName ?? info.preset ?? 'default') : null), [info, presetName]);
  // The preset as it applies to this dataset's task (question answering reads longer windows, shared/task-run-defaults.ts).
  const task = preview.data?.dataset.task;
  const fitted = useMemo(() => (preset && preview.data ? { ...preset, defaults: withTaskDefaults(preset.defaults, {}, task) } : null), [preset, preview.data, task]);
  const estimate = useTimeEstimate(datasetId, info, fitted, draft);

  // The draft starts from the server's defaults once they and the dataset's task are known.
  useEffect(() => {
    if (fitted && !draft) setDraft(draftFromDefaults(fitted.defaults, fitted.seeds));
  }, [fitted, draft]);

  const choosePreset = (name: PresetName) => {
    if (!info) return;
    const chosen = presetOf(info, name);
    setPresetName(name);
    setDraft(draftFromDefaults(withTaskDefaults(chosen.defaults, {}, task), chosen.seeds));
  };

  const start = async () => {
    if (!info || !draft || !fitted) return;
    const built = startRequest(datasetId, info, fitted, draft);
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

  const seeds = draft ? Number(draft.seeds) : fitted?.seeds;
  const draftEpochs = draft ? Number(draft.epochs) : fitted?.defaults.epochs;
  // Left at the default, the server sizes epochs to the data: show what it will train.
  const sized = fitted?.epochsSizedToData && preview.data && draftEpochs === fitted.defaults.epochs;
  const epochs = sized ? withTrainingBudget(fitted.defaults, {}, preview.data!.dataset).epochs : draftEpochs;
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
              {sized && epochs !== fitted?.defaults.epochs ? ' (sized to the data, stopping early once validation stops improving)' : ''}, on the same split, then
              compares them on {heldOut}.
            </p>
          </div>
          <p className="muted time-estimate" data-testid="time-estimate">
            {estimate ? estimateText(estimate) : 'Estimating the time…'}
          </p>
          {info?.presets && info.presets.length > 1 && (
            <fieldset className="preset-choice" data-testid="preset-choice">
              <legend>Preset</legend>
              {info.presets.map((p) => (
                <label key={p.name} title={p.description}>
                  <input type="radio" name="preset" value={p.name} checked={preset?.name === p.name} onChange={() => choosePreset(p.name)} />
                  {p.label} <span className="muted">— {p.description}</span>
                </label>
              ))}
            </fieldset>
          )}
          {draft && (
            <ModelPicker
              // Remounted after an adaptation, so its list includes the new folder.
              key={pickerVersion}
              value={draft.model}
              // The paper's rate for the model's size; the settings keep it editable.
              onSelect={(model) => setDraft({ ...draft, model: model.source, learningRate: String(model.recommendedLearningRate) })}
            />
          )}
          {draft && (
            <AdaptModel
              datasetId={datasetId}
              model={draft.model}
              onAdapted={(model) => {
                setDraft((current) => (current ? { ...current, model: model.source, learningRate: String(model.recommendedLearningRate) } : current));
                setPickerVersion((v) => v + 1);
              }}
            />
          )}
          {info && draft && fitted && (
            <SettingsPanel
              draft={draft}
              defaults={fitted.defaults}
              task={task}
              onChange={setDraft}
              onReset={() => setDraft(draftFromDefaults(fitted.defaults, fitted.seeds))}
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

/** A preset as the start card uses it; an older server without a preset list offers its defaults alone. */
function presetOf(info: AppInfo, name: PresetName): PresetInfo {
  const listed = info.presets?.find((p) => p.name === name);
  return listed ?? { name, label: 'Standard', description: '', defaults: info.defaults, seeds: info.defaultSeeds, epochsSizedToData: info.epochsSizedToData ?? false };
}

/** The request for the draft: fields that differ from the chosen preset, and the preset when it is not the session's. */
function startRequest(datasetId: string, info: AppInfo, preset: PresetInfo, draft: SettingsDraft): ReturnType<typeof buildStartRequest> {
  const built = buildStartRequest(datasetId, draft, preset.defaults, preset.seeds);
  if (!built.ok || preset.name === (info.preset ?? 'default')) return built;
  return { ok: true, request: { ...built.request, preset: preset.name } };
}

/** The server's estimate for what the button would start, re-asked a moment after the settings change. */
function useTimeEstimate(datasetId: string, info: AppInfo | null, preset: PresetInfo | null, draft: SettingsDraft | null): TimeEstimate | null {
  const [estimate, setEstimate] = useState<TimeEstimate | null>(null);
  useEffect(() => {
    if (!info || !preset || !draft) return;
    const built = startRequest(datasetId, info, preset, draft);
    if (!built.ok) return;
    let live = true;
    const timer = setTimeout(() => {
      void getApi()
        .invoke('comparisons.estimate', built.request)
        .then((result) => {
          if (live && result.ok) setEstimate(result.value);
        });
    }, ESTIMATE_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [datasetId, info, preset, draft]);
  return estimate;
}
