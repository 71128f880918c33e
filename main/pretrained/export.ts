// Exporting a fine-tuned encoder: as a Hugging Face folder (model.safetensors under the
// *ForSequenceClassification or *ForQuestionAnswering tensor names, config.json with the labels
// and problem type, the tokenizer files copied), which `transformers` loads with from_pretrained and no conversion;
// or in our TF.js format (model.json + weights.bin, see tfjs-format.ts), which our loader reads.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Task } from '../../shared/schemas';
import { familyOf } from '../models/registry';
import type { HeadReads } from '../models/families/family';
import type { HfConfig, ProblemType } from './hf-config';
import { type TensorMap, writeSafetensors } from './safetensors';
import { writeTfjsWeights } from './tfjs-format';
import { familyHead, huggingFaceName, outputWeightName } from './weight-names';

export interface ExportableEncoder {
  config: HfConfig;
  /** Our tensor names (weight-names.ts) -> values: encoder and head. */
  weights: TensorMap;
  /** One name per output (regression: one; question answering: none, its two outputs are start and end). */
  labels: string[];
  task: Task;
  /** The head the weights hold (main/tasks/task-head.ts's reads); default 'sequence'. */
  reads?: HeadReads;
  /** Tokenizer files to copy (absolute paths). */
  tokenizerFiles: string[];
}

// transformers' *ForQuestionAnswering reads no problem_type: a QA config has none (null: left out).
const PROBLEM_TYPES: Record<Task, ProblemType | null> = {
  classification: 'single_label_classification',
  regression: 'regression',
  multilabel: 'multi_label_classification',
  qa: null,
};

/**
 * Names of the head's outputs, in id2label. Regression's one output and QA's two (start, end) get
 * transformers' default names: *ForQuestionAnswering builds qa_outputs with num_labels rows, which
 * it takes from id2label, so these must be exactly two, whatever labels the source config had.
 */
function outputNames(model: ExportableEncoder): string[] {
  if (model.task === 'regression') return ['LABEL_0'];
  if (model.task === 'qa') return ['LABEL_0', 'LABEL_1'];
  return model.labels;
}

/** config.json of the export: the source config, in its family's own keys, with the fine-tuned head's description. */
export function exportedConfig(model: ExportableEncoder): Record<string, unknown> {
  const labels = outputNames(model);
  const family = familyOf(model.config);
  const problemType = PROBLEM_TYPES[model.task];
  const config: Record<string, unknown> = {
    ...family.configJson(model.config),
    architectures: [familyHead(family, model.reads).architecture],
    id2label: Object.fromEntries(labels.map((label, i) => [String(i), label])),
    label2id: Object.fromEntries(labels.map((label, i) => [label, i])),
    problem_type: problemType,
    // The weights are written as float32, whatever the source checkpoint stored.
    ...('torch_dtype' in model.config ? { torch_dtype: 'float32' } : {}),
  };
  // Also drops a problem_type the source config had (a classifier fine-tuned further for QA).
  if (problemType === null) delete config.problem_type;
  return config;
}

/** Tensors under their Hugging Face names, sorted (stable file bytes). */
function huggingFaceTensors(model: ExportableEncoder): TensorMap {
  const family = familyOf(model.config);
  // config.json names the class of `reads`' head: weights of another head would load as a fresh one.
  const output = outputWeightName(family, model.reads);
  if (!model.weights.has(output)) throw new Error(`the weights to export have no ${output}, the output layer of the ${familyHead(family, model.reads).architecture} head config.json names.`);
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

export interface ExportableMaskedLm {
  config: HfConfig;
  /** Under their checkpoint names (main/models/masked-lm.ts checkpointTensors). */
  tensors: TensorMap;
  /** Absolute paths of the tokenizer files to copy. */
  tokenizerFiles: string[];
  /** Written beside the model as pretraining.json: what it was trained on and its loss curve. */
  report: Record<string, unknown>;
}

/**
 * A pretrained encoder as a BertForMaskedLM folder (config.json, model.safetensors, the
 * tokenizer, pretraining.json): `--model` and the model picker take it like any downloaded
 * folder, and transformers' from_pretrained loads it (the decoder weight is tied to the
 * embeddings, so the file holds it once, as transformers saves it).
 */
export function exportMaskedLanguageModel(model: ExportableMaskedLm, architecture: string, folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const config: Record<string, unknown> = { ...familyOf(model.config).configJson(model.config), architectures: [architecture] };
  // A pretrained encoder has no task head: labels of a checkpoint it continued from do not apply.
  for (const key of ['id2label', 'label2id', 'problem_type', 'num_labels', 'finetuning_task']) delete config[key];
  if ('torch_dtype' in config) config.torch_dtype = 'float32';
  writeSafetensors(join(folder, 'model.safetensors'), model.tensors, { format: 'pt' });
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  writeFileSync(join(folder, 'pretraining.json'), JSON.stringify(model.report, null, 2) + '\n');
  for (const file of model.tokenizerFiles) copyFileSync(file, join(folder, basename(file)));
  return ['config.json', 'model.safetensors', 'pretraining.json', ...model.tokenizerFiles.map((f) => basename(f))];
}
