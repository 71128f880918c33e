// Exporting a fine-tuned encoder: as a Hugging Face folder (model.safetensors under the
// *ForSequenceClassification tensor names, config.json with the labels and problem type, the
// tokenizer files copied), which `transformers` loads with from_pretrained and no conversion;
// or in our TF.js format (model.json + weights.bin, see tfjs-format.ts), which our loader reads.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Task } from '../../shared/schemas';
import { familyOf } from '../models/registry';
import type { HfConfig, ProblemType } from './hf-config';
import { type TensorMap, writeSafetensors } from './safetensors';
import { writeTfjsWeights } from './tfjs-format';
import { huggingFaceName } from './weight-names';

export interface ExportableEncoder {
  config: HfConfig;
  /** Our tensor names (weight-names.ts) -> values: encoder and head. */
  weights: TensorMap;
  /** One name per output (regression: one). */
  labels: string[];
  task: Task;
  /** Tokenizer files to copy (absolute paths). */
  tokenizerFiles: string[];
}

const PROBLEM_TYPES: Record<Task, ProblemType> = {
  classification: 'single_label_classification',
  regression: 'regression',
  multilabel: 'multi_label_classification',
};

/** config.json of the export: the source config, in its family's own keys, with the fine-tuned head's description. */
export function exportedConfig(model: ExportableEncoder): Record<string, unknown> {
  const labels = model.task === 'regression' ? ['LABEL_0'] : model.labels;
  const family = familyOf(model.config);
  return {
    ...family.configJson(model.config),
    architectures: [family.architecture],
    id2label: Object.fromEntries(labels.map((label, i) => [String(i), label])),
    label2id: Object.fromEntries(labels.map((label, i) => [label, i])),
    problem_type: PROBLEM_TYPES[model.task],
    // The weights are written as float32, whatever the source checkpoint stored.
    ...('torch_dtype' in model.config ? { torch_dtype: 'float32' } : {}),
  };
}

/** Tensors under their Hugging Face names, sorted (stable file bytes). */
function huggingFaceTensors(model: ExportableEncoder): TensorMap {
  const family = familyOf(model.config);
  const named = [...model.weights].map(([name, tensor]) => [huggingFaceName(family, name), tensor] as const);
  return new Map(named.sort(([a], [b]) => (a < b ? -1 : 1)));
}

function copyTokenizer(model: ExportableEncoder, folder: string): void {
  for (const file of model.tokenizerFiles) copyFileSync(file, join(folder, basename(file)));
}

export function exportHuggingFace(model: ExportableEncoder, folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  // transformers refuses safetensors files whose metadata lacks format "pt".
  writeSafetensors(join(folder, 'model.safetensors'), huggingFaceTensors(model), { format: 'pt' });
  writeFileSync(join(folder, 'config.json'), JSON.stringify(exportedConfig(model), null, 2) + '\n');
  copyTokenizer(model, folder);
  return ['config.json', 'model.safetensors', ...model.tokenizerFiles.map((f) => basename(f))];
}

export function exportTfjs(model: ExportableEncoder, folder: string): string[] {
  writeTfjsWeights(folder, huggingFaceTensors(model), {
    kind: 'pretrained',
    huggingFaceConfig: exportedConfig(model),
    task: model.task,
    labels: model.labels,
  });
  copyTokenizer(model, folder);
  return ['model.json', 'weights.bin', ...model.tokenizerFiles.map((f) => basename(f))];
}
