// A pretraining run's checkpoint, inside its output folder as checkpoint/: a loadable model
// folder of the weights so far (config.json, model.safetensors, the tokenizer), the optimizer's
// moments (optimizer.safetensors) and state.json (the step, the curves, the start message and the
// corpus hash). Written to checkpoint.tmp and renamed, so a process killed mid-write leaves the
// previous checkpoint whole. Resuming from it continues exactly as the uninterrupted run would
// (main/training/pretrain.ts draws every batch and mask from the step number).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { PretrainStart } from '../../shared/pretrain-protocol';
import { MASKED_LM_ARCHITECTURE, type MaskedLanguageModel } from '../models/masked-lm';
import { exportMaskedLanguageModel } from '../pretrained/export';
import { readSafetensors, type TensorMap, writeSafetensors } from '../pretrained/safetensors';
import type { PretrainState } from './pretrain';

export const CHECKPOINT_DIR = 'checkpoint';

export interface PretrainCheckpoint {
  /** The checkpoint folder: a model folder the run continues from. */
  folder: string;
  state: PretrainState;
  start: PretrainStart;
  /** What the run started from, as pretraining.json describes it. */
  description: Record<string, unknown>;
  corpusSha256: string;
}

interface StateFile {
  completed: number;
  optimizerStep: number;
  steps: PretrainState['steps'];
  evaluations: PretrainState['evaluations'];
  start: PretrainStart;
  description: Record<string, unknown>;
  corpusSha256: string;
}

export function writePretrainCheckpoint(outFolder: string, model: MaskedLanguageModel, tokenizerFiles: string[], checkpoint: Omit<PretrainCheckpoint, 'folder'>): void {
  const final = join(outFolder, CHECKPOINT_DIR);
  const staging = join(outFolder, `${CHECKPOINT_DIR}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  exportMaskedLanguageModel({ config: model.config, tensors: model.checkpointTensors(), tokenizerFiles, report: { checkpoint: true } }, MASKED_LM_ARCHITECTURE, staging);
  const moments: TensorMap = new Map();
  checkpoint.state.optimizer.firstMoments.forEach((m, i) => moments.set(`m.${i}`, { shape: [m.length], data: m }));
  checkpoint.state.optimizer.secondMoments.forEach((v, i) => moments.set(`v.${i}`, { shape: [v.length], data: v }));
  writeSafetensors(join(staging, 'optimizer.safetensors'), moments);
  const { state, start, description, corpusSha256 } = checkpoint;
  const file: StateFile = { completed: state.completed, optimizerStep: state.optimizer.step, steps: state.steps, evaluations: state.evaluations, start, description, corpusSha256 };
  writeFileSync(join(staging, 'state.json'), JSON.stringify(file));
  rmSync(final, { recursive: true, force: true });
  renameSync(staging, final);
}

export function readPretrainCheckpoint(outFolder: string): PretrainCheckpoint {
  const folder = join(outFolder, CHECKPOINT_DIR);
  const stateFile = join(folder, 'state.json');
  if (!existsSync(stateFile)) throw new AppError('not_found', `${outFolder} has no pretraining checkpoint to resume (${CHECKPOINT_DIR}/state.json)`);
  const file = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile;
  const moments = readSafetensors(join(folder, 'optimizer.safetensors'));
  const count = [...moments.keys()].filter((name) => name.startsWith('m.')).length;
  const pick = (prefix: string) => Array.from({ length: count }, (_, i) => moments.get(`${prefix}.${i}`)!.data);
  return {
    folder,
    state: { completed: file.completed, optimizer: { step: file.optimizerStep, firstMoments: pick('m'), secondMoments: pick('v') }, steps: file.steps, evaluations: file.evaluations },
    start: file.start,
    description: file.description,
    corpusSha256: file.corpusSha256,
  };
}

/** Whether `outFolder` holds a checkpoint a resume can continue from. */
export function hasPretrainCheckpoint(outFolder: string): boolean {
  return existsSync(join(outFolder, CHECKPOINT_DIR, 'state.json'));
}

export function removePretrainCheckpoint(outFolder: string): void {
  rmSync(join(outFolder, CHECKPOINT_DIR), { recursive: true, force: true });
  rmSync(join(outFolder, `${CHECKPOINT_DIR}.tmp`), { recursive: true, force: true });
}
