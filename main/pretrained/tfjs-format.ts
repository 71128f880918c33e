// Our TF.js export: model.json in the tfjs layout (a weightsManifest, so tf.io.loadWeights and
// tf.io.decodeWeights read weights.bin as they are) with our own description of the model under
// "comparo", and weights.bin holding every tensor as little-endian float32 in manifest order.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedTensor, TensorMap } from './safetensors';

export const TFJS_MODEL_FILE = 'model.json';
export const TFJS_WEIGHTS_FILE = 'weights.bin';

export interface TfjsMetadata {
  /** 'pretrained': an encoder of a registered family (BERT, DistilBERT, ...); 'builtin': Comparo's from-scratch model. */
  kind: 'pretrained' | 'builtin';
  /** The Hugging Face config.json contents (pretrained). */
  huggingFaceConfig?: Record<string, unknown>;
  /** ClassifierShape of a built-in model, and its word vocabulary. */
  builtinShape?: Record<string, number>;
  vocabulary?: string[];
  task?: string;
  labels?: string[];
  [key: string]: unknown;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export function writeTfjsWeights(folder: string, tensors: TensorMap, metadata: TfjsMetadata): void {
  mkdirSync(folder, { recursive: true });
  const weights: ManifestEntry[] = [];
  const parts: Buffer[] = [];
  for (const [name, tensor] of tensors) {
    weights.push({ name, shape: tensor.shape, dtype: 'float32' });
    const bytes = Buffer.alloc(tensor.data.length * 4);
    for (let i = 0; i < tensor.data.length; i++) bytes.writeFloatLE(tensor.data[i], i * 4);
    parts.push(bytes);
  }
  const model = {
    format: 'comparo-encoder',
    generatedBy: 'Comparo',
    convertedBy: null,
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights }],
    comparo: metadata,
  };
  writeFileSync(join(folder, TFJS_WEIGHTS_FILE), Buffer.concat(parts));
  writeFileSync(join(folder, TFJS_MODEL_FILE), JSON.stringify(model, null, 2) + '\n');
}

export function readTfjsWeights(folder: string): { tensors: TensorMap; metadata: TfjsMetadata } {
  const modelFile = join(folder, TFJS_MODEL_FILE);
  let model: { weightsManifest?: { paths: string[]; weights: ManifestEntry[] }[]; comparo?: TfjsMetadata };
  try {
    model = JSON.parse(readFileSync(modelFile, 'utf8'));
  } catch (error) {
    throw new Error(`${modelFile}: cannot read it (${(error as Error).message}).`);
  }
  if (!model.weightsManifest || !model.comparo) throw new Error(`${modelFile}: not a Comparo TF.js export (no weightsManifest or "comparo" section).`);
  const tensors: TensorMap = new Map();
  for (const group of model.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((path) => readFileSync(join(folder, path))));
    let offset = 0;
    for (const entry of group.weights) {
      if (entry.dtype !== 'float32') throw new Error(`${modelFile}: tensor ${entry.name} has dtype ${entry.dtype}; only float32 is read.`);
      const size = entry.shape.reduce((a, b) => a * b, 1);
      if (offset + size * 4 > bytes.length) throw new Error(`${modelFile}: ${group.paths.join(', ')} ends before tensor ${entry.name}.`);
      const data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = bytes.readFloatLE(offset + i * 4);
      offset += size * 4;
      tensors.set(entry.name, { shape: entry.shape, data } satisfies NamedTensor);
    }
  }
  return { tensors, metadata: model.comparo };
}
