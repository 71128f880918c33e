// Loading a pretrained encoder from a local folder in the Hugging Face layout (config.json +
// model.safetensors, or a sharded model.safetensors.index.json) or from our TF.js export
// (model.json + weights.bin, see export.ts). PyTorch pickles (.bin) are not read: unpickling is
// code execution, and a reader would be a large dependency; the error says how to convert.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HfConfig, parseHfConfig, readHfConfig } from './hf-config';
import { type EncoderOptions, PretrainedEncoderClassifier } from '../models/pretrained-classifier';
import { readSafetensors, type TensorMap } from './safetensors';
import { readTfjsWeights, TFJS_MODEL_FILE } from './tfjs-format';
import { resolveWeights } from './weight-names';

export interface PretrainedCheckpoint {
  folder: string;
  config: HfConfig;
  /** Tensors under their checkpoint names. */
  tensors: TensorMap;
  /** The file(s) the tensors came from, for error messages. */
  source: string;
}

function readShards(folder: string, indexFile: string): TensorMap {
  let index: { weight_map?: Record<string, string> };
  try {
    index = JSON.parse(readFileSync(indexFile, 'utf8'));
  } catch (error) {
    throw new Error(`${indexFile}: not valid JSON (${(error as Error).message}).`);
  }
  if (!index.weight_map) throw new Error(`${indexFile}: no "weight_map" object.`);
  const tensors: TensorMap = new Map();
  for (const shard of new Set(Object.values(index.weight_map))) {
    for (const [name, tensor] of readSafetensors(join(folder, shard))) tensors.set(name, tensor);
  }
  return tensors;
}

/** Reads config and tensors of a folder; throws a message naming the folder and what to do. */
export function readPretrainedFolder(folder: string): PretrainedCheckpoint {
  if (!existsSync(folder)) throw new Error(`${folder}: no such folder.`);
  const tfjsModel = join(folder, TFJS_MODEL_FILE);
  const safetensors = join(folder, 'model.safetensors');
  const index = join(folder, 'model.safetensors.index.json');
  if (existsSync(safetensors)) return { folder, config: readHfConfig(join(folder, 'config.json')), tensors: readSafetensors(safetensors), source: safetensors };
  if (existsSync(index)) return { folder, config: readHfConfig(join(folder, 'config.json')), tensors: readShards(folder, index), source: index };
  if (existsSync(tfjsModel)) {
    const { tensors, metadata } = readTfjsWeights(folder);
    if (!metadata.huggingFaceConfig) throw new Error(`${tfjsModel}: a built-in Comparo model, not a pretrained encoder; it has no Hugging Face config.`);
    return { folder, config: parseHfConfig(metadata.huggingFaceConfig, tfjsModel), tensors, source: tfjsModel };
  }
  for (const pickle of ['pytorch_model.bin', 'pytorch_model.bin.index.json', 'tf_model.h5', 'flax_model.msgpack']) {
    if (existsSync(join(folder, pickle))) {
      throw new Error(
        `${folder}: only ${pickle} is present. Comparo reads weights from model.safetensors only (PyTorch .bin files are pickles, which are not read). ` +
          `Convert once with Python: AutoModel.from_pretrained(folder).save_pretrained(folder, safe_serialization=True).`,
      );
    }
  }
  throw new Error(`${folder}: no model.safetensors (nor model.safetensors.index.json or ${TFJS_MODEL_FILE}) found.`);
}

export interface LoadedEncoder {
  model: PretrainedEncoderClassifier;
  checkpoint: PretrainedCheckpoint;
  /** Head tensors that were not in the checkpoint and were initialised fresh. */
  initialisedHead: string[];
}

/**
 * A ready-to-train model from a folder; `options.outputs` sets the head's width, `options.reads`
 * which head (a *ForQuestionAnswering folder's qa_outputs load with 'tokens').
 */
export function loadPretrainedClassifier(folder: string, options: EncoderOptions): LoadedEncoder {
  const checkpoint = readPretrainedFolder(folder);
  const resolved = resolveWeights(checkpoint.tensors, checkpoint.config, options.outputs, checkpoint.source, options.reads);
  const model = new PretrainedEncoderClassifier(checkpoint.config, resolved.tensors, options);
  return { model, checkpoint, initialisedHead: resolved.missingHead };
}
