// The editable part of "Fine-tune & compare". Inputs are kept as typed text so a half-typed value
// ("0.") is not rejected mid-keystroke; only fields that differ from the server's defaults are sent,
// so the server stays the single owner of defaults.
import type { RequestOf } from '../../shared/contract';
import { CmpTargetSchema, ObjectiveSchema, RunConfigPatchSchema, type CmpTarget, type RunConfig, type RunConfigPatch } from '../../shared/schemas';

export type Objective = RunConfig['objective'];

export interface SettingsDraft {
  epochs: string;
  seeds: string;
  ablations: string;
  crops: string;
  target: CmpTarget;
  objective: Objective;
  dropout: string;
  learningRate: string;
  /** Periodic checkpoints each run keeps on disk besides the best (0 = all). */
  keepCheckpoints: string;
  /** The model picker's choice: 'builtin', a folder path or a hub id (resolved to a folder by the services). */
  model: string;
}

export const TARGET_OPTIONS = CmpTargetSchema.options;
export const OBJECTIVE_OPTIONS = ObjectiveSchema.options;

export function draftFromDefaults(defaults: RunConfig, defaultSeeds: number): SettingsDraft {
  return {
    epochs: String(defaults.epochs),
    seeds: String(defaultSeeds),
    ablations: String(defaults.ablations),
    crops: String(defaults.crops),
    target: defaults.target,
    objective: defaults.objective,
    dropout: String(defaults.dropout),
    learningRate: String(defaults.learningRate),
    keepCheckpoints: String(defaults.keepCheckpoints),
    model: defaults.model.pretrained ?? 'builtin',
  };
}

export type StartRequest = RequestOf<'comparisons.start'>;

function parseNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** The request to send, or a message saying which field is wrong. */
export function buildStartRequest(
  datasetId: string,
  draft: SettingsDraft,
  defaults: RunConfig,
  defaultSeeds: number,
): { ok: true; request: StartRequest } | { ok: false; message: string } {
  const patch: RunConfigPatch = {};
  const numericFields = ['epochs', 'ablations', 'crops', 'dropout', 'learningRate', 'keepCheckpoints'] as const;
  for (const field of numericFields) {
    const value = parseNumber(draft[field]);
    if (!Number.isFinite(value)) return { ok: false, message: `${fieldLabel(field)} must be a number.` };
    if (value !== defaults[field]) patch[field] = value;
  }
  if (draft.target !== defaults.target) patch.target = draft.target;
  if (draft.objective !== defaults.objective) patch.objective = draft.objective;
  if (draft.model !== (defaults.model.pretrained ?? 'builtin')) patch.model = { pretrained: draft.model };

  const checked = RunConfigPatchSchema.safeParse(patch);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    return { ok: false, message: `${fieldLabel(field)}: ${issue?.message ?? 'invalid value'}` };
  }

  const seeds = parseNumber(draft.seeds);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 10) return { ok: false, message: 'Seeds must be a whole number from 1 to 10.' };

  const request: StartRequest = { datasetId };
  if (seeds !== defaultSeeds) request.seeds = seeds;
  if (Object.keys(patch).length > 0) request.config = checked.data;
  return { ok: true, request };
}

export function fieldLabel(field: string): string {
  const labels: Record<string, string> = {
    epochs: 'Epochs',
    seeds: 'Seeds',
    ablations: 'Ablated copies (C)',
    crops: 'Input crops',
    target: 'Target',
    objective: 'Objective',
    dropout: 'Dropout p',
    learningRate: 'Learning rate',
    keepCheckpoints: 'Checkpoints kept',
  };
  return labels[field] ?? field;
}
