// Exporting a finished run's best model. A run fine-tuned from a pretrained folder exports as a
// Hugging Face folder or in our TF.js format; a built-in (from-scratch) run only in the TF.js
// format: its architecture (sigmoid GELU, mean pooling, no pooler) is not one transformers knows,
// so a Hugging Face folder of it would load silently wrong.
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { RunConfig, Task } from '../../shared/schemas';
import type { ExportFormat } from '../../shared/vocabulary';
import { modelFamilies } from '../models/registry';
import { taskHead } from '../tasks/registry';
import { readCheckpoint } from '../training/checkpoint';
import { type ExportableEncoder, exportHuggingFace, exportTfjs } from '../pretrained/export';
import type { TensorMap } from '../pretrained/safetensors';
import { writeTfjsWeights } from '../pretrained/tfjs-format';
import { loadTokenizer } from '../pretrained/tokenizer';
import { checkpointTensors } from '../training/run-checkpoint';

export type { ExportFormat };

export interface RunModelFiles {
  runId: string;
  checkpointPath: string;
  config: RunConfig;
  task: Task;
  labelNames: string[];
}

export interface ExportResult {
  folder: string;
  format: ExportFormat;
  files: string[];
}

// Files an export writes; a folder holding anything else is not overwritten.
const EXPORT_FILES = /^(config\.json|model\.safetensors|model\.json|weights\.bin|vocab\.txt|vocab\.json|merges\.txt|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|added_tokens\.json)$/;

function checkTarget(folder: string): void {
  if (!isAbsolute(folder)) throw new Error(`export folder must be an absolute path, got "${folder}"`);
  if (!existsSync(folder)) return;
  const foreign = readdirSync(folder).filter((name) => !EXPORT_FILES.test(name));
  if (foreign.length > 0) throw new Error(`${folder} already holds other files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); choose an empty or new folder.`);
}

export async function exportRunModel(run: RunModelFiles, format: ExportFormat, folder: string): Promise<ExportResult> {
  checkTarget(folder);
  const checkpoint = readCheckpoint(run.checkpointPath);
  // The head the run trained: its width and what it reads (question answering: qa_outputs per token).
  const head = taskHead(run.task);
  const outputs = head.outputWidth(run.labelNames.length);
  const source = checkpoint.header.pretrained;
  if (!source) {
    if (format === 'huggingface') {
      throw new Error(
        `Run ${run.runId} trained Comparo's built-in model, whose architecture (sigmoid GELU, mean pooling, no pooler) transformers does not have: ` +
          `a Hugging Face folder of it would load wrong. Export it with --format tfjs, or fine-tune a pretrained ${modelFamilies().map((family) => family.label).join(' / ')} model for a Hugging Face export.`,
      );
    }
    const tensors: TensorMap = new Map(checkpoint.weights.map((data, i) => [`builtin.${String(i).padStart(3, '0')}`, { shape: checkpoint.header.shapes[i], data }]));
    writeTfjsWeights(folder, tensors, {
      kind: 'builtin',
      builtinShape: { ...numericModel(run.config), maxLength: run.config.maxLength, numClasses: outputs },
      vocabulary: checkpoint.header.vocabulary,
      task: run.task,
      labels: run.labelNames,
    });
    return { folder, format, files: ['model.json', 'weights.bin'] };
  }
  const { config, weights } = checkpointTensors(checkpoint, outputs, head.reads);
  const tokenizer = await loadTokenizer(source);
  const exportable: ExportableEncoder = { config, weights, labels: run.labelNames, task: run.task, reads: head.reads, tokenizerFiles: tokenizer.files };
  const files = format === 'huggingface' ? exportHuggingFace(exportable, folder) : exportTfjs(exportable, folder);
  return { folder, format, files };
}

function numericModel(config: RunConfig): Record<string, number> {
  const { vocabSize, dim, layers, heads, ffnDim } = config.model;
  return { vocabSize, dim, layers, heads, ffnDim };
}
