// Collapsed by default: the defaults are meant to be good enough for a first comparison.
import { GLOSSARY } from '../../shared/glossary';
import type { RunConfig } from '../../shared/schemas';
import type { DatasetTask } from '../../shared/tasks';
import { fieldLabel, OBJECTIVE_OPTIONS, TARGET_OPTIONS, type SettingsDraft } from '../lib/settings';

interface SettingsPanelProps {
  draft: SettingsDraft;
  defaults: RunConfig;
  /** The dataset's task: question answering says how its windows are cut. */
  task?: DatasetTask;
  onChange: (draft: SettingsDraft) => void;
  onReset: () => void;
}

type NumericField = Exclude<keyof SettingsDraft, 'target' | 'objective'>;

const NUMERIC_FIELDS: Array<{ field: NumericField; min: number; max: number; step: string; hint: string; explain?: string }> = [
  { field: 'epochs', min: 1, max: 100, step: '1', hint: 'passes over the training split' },
  { field: 'seeds', min: 1, max: 10, step: '1', hint: 'paired runs per arm; more seeds, firmer verdict' },
  { field: 'ablations', min: 1, max: 8, step: '1', hint: 'nested-dropout copies l1…lC', explain: `${GLOSSARY.C} ${GLOSSARY.CmpDrop}` },
  { field: 'crops', min: 0, max: 4, step: '1', hint: 'nested sentence crops of the input (CmpCrop)', explain: GLOSSARY.CmpCrop },
  { field: 'dropout', min: 0, max: 0.9, step: '0.05', hint: 'copy k runs at 1−(1−p)^k' },
  { field: 'learningRate', min: 0, max: 1, step: 'any', hint: 'Adam step size' },
  { field: 'keepCheckpoints', min: 0, max: 1000, step: '1', hint: 'latest checkpoints kept per run, besides the best (0 = all)' },
];

export function SettingsPanel({ draft, defaults, task, onChange, onReset }: SettingsPanelProps) {
  const model = defaults.model;
  return (
    <details className="settings-panel">
      <summary>Settings</summary>
      <div className="settings-grid">
        {NUMERIC_FIELDS.map(({ field, min, max, step, hint, explain }) => (
          <label key={field} title={explain}>
            <span>{fieldLabel(field)}</span>
            <input
              type="number"
              name={field}
              min={min}
              max={max}
              step={step}
              value={draft[field]}
              onChange={(event) => onChange({ ...draft, [field]: event.target.value })}
            />
            <small>{hint}</small>
          </label>
        ))}
        <label>
          <span>{fieldLabel('target')}</span>
          <select name="target" value={draft.target} onChange={(event) => onChange({ ...draft, target: event.target.value as SettingsDraft['target'] })}>
            {TARGET_OPTIONS.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
          <small title={GLOSSARY.target}>what the comparative loss ranks against</small>
        </label>
        <label>
          <span>{fieldLabel('objective')}</span>
          <select name="objective" value={draft.objective} onChange={(event) => onChange({ ...draft, objective: event.target.value as SettingsDraft['objective'] })}>
            {OBJECTIVE_OPTIONS.map((option) => (
              <option key={option} value={option}>
                {option.replace('_', ' + ')}
              </option>
            ))}
          </select>
          <small>Lcmp alone (paper default), primary + λ·hinge, or ListMLE</small>
        </label>
      </div>
      <p className="muted settings-fixed">
        Fixed for now: batch {defaults.batchSize}, max length {defaults.maxLength} tokens
        {task === 'qa' ? `, long contexts in windows sharing ${defaults.qaStride || Math.floor(defaults.maxLength / 3)} tokens, answers up to ${defaults.qaMaxAnswerLength} tokens` : ''}
        {defaults.maxTrainExamples > 0 ? `, first ${defaults.maxTrainExamples} training rows` : ''};{' '}
        {draft.model === 'builtin' ? `model ${model.layers} layer × ${model.dim} dims, ${model.heads} heads, vocabulary ${model.vocabSize}` : `model ${draft.model} (see Model above)`}; backend{' '}
        {defaults.backend}.
      </p>
      <button type="button" className="link-button" onClick={onReset}>
        Reset to defaults
      </button>
    </details>
  );
}
