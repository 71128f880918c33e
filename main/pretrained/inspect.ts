// What a model folder holds, cheaply: config.json fields, the parameter count from the safetensors
// header shapes (the tensor data is never read, so a 400 MB checkpoint inspects in milliseconds),
// the size on disk, the tokenizer layout, and what stops a run from using it.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { recommendedLearningRate, sizeClassOf, type ModelInfo } from '../../shared/models';
import { findFamily } from '../models/registry';
import { type HfConfig, parseHfConfig } from './hf-config';
import { isRecord, readJsonFile } from './json-file';
import { TFJS_MODEL_FILE } from './tfjs-format';
import { detectTokenizerKind, MISSING_TOKENIZER_HINT } from './tokenizer';

export const PICKLE_ONLY_FILES = ['pytorch_model.bin', 'pytorch_model.bin.index.json', 'tf_model.h5', 'flax_model.msgpack'];

/** Parameters in a safetensors file, from its header alone. */
export function safetensorsParameterCount(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const prefix = Buffer.alloc(8);
    if (readSync(fd, prefix, 0, 8, 0) < 8) throw new AppError('bad_input', `${path}: not a safetensors file (no header)`);
    const length = Number(prefix.readBigUInt64LE(0));
    if (length > 100 * 1024 * 1024 || length > statSync(path).size - 8) {
      throw new AppError('bad_input', `${path}: header length ${length} does not fit the file; not a safetensors file`);
    }
    const header = Buffer.alloc(length);
    readSync(fd, header, 0, length, 8);
    const entries = JSON.parse(header.toString('utf8')) as Record<string, { shape?: number[] }>;
    let count = 0;
    for (const [name, entry] of Object.entries(entries)) {
      if (name !== '__metadata__') count += (entry.shape ?? []).reduce((a, b) => a * b, 1);
    }
    return count;
  } finally {
    closeSync(fd);
  }
}

/**
 * The fine-tuning learning rate a model folder recommends for itself: `fineTuningLearningRate` in
 * the pretraining.json that Comparo's pretraining writes (main/training/pretrain-process.ts), or
 * null where there is none (every hub model), so the size rule applies.
 */
export function ownFineTuningRate(folder: string): number | null {
  const file = join(folder, 'pretraining.json');
  if (!existsSync(file)) return null;
  try {
    const report: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const rate = isRecord(report) ? report.fineTuningLearningRate : undefined;
    return typeof rate === 'number' && Number.isFinite(rate) && rate > 0 && rate < 1 ? rate : null;
  } catch {
    // A report we cannot read says nothing about the weights; the size rule still holds.
    return null;
  }
}

/** Bytes of the files under a folder; files reached twice (hub cache symlinks) count once. */
export function folderSize(folder: string, depth = 3): number {
  const seen = new Set<string>();
  const walk = (dir: string, level: number): number => {
    let total = 0;
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue; // a dangling symlink (blob deleted) has no size to count
      }
      if (stat.isDirectory()) {
        if (level < depth) total += walk(path, level + 1);
      } else if (stat.isFile()) {
        const real = realpathSync(path);
        if (!seen.has(real)) total += stat.size;
        seen.add(real);
      }
    }
    return total;
  };
  return walk(folder, 0);
}

interface WeightsFound {
  weights: ModelInfo['weights'];
  parameters: number | null;
  /** config.json contents carried inside our TF.js export. */
  embeddedConfig?: unknown;
  problem?: string;
}

async function findWeights(folder: string): Promise<WeightsFound> {
  const single = join(folder, 'model.safetensors');
  if (existsSync(single)) return { weights: 'safetensors', parameters: safetensorsParameterCount(single) };
  const indexPath = join(folder, 'model.safetensors.index.json');
  if (existsSync(indexPath)) {
    const index = await readJsonFile(indexPath);
    const map = isRecord(index) && isRecord(index.weight_map) ? index.weight_map : null;
    if (!map) return { weights: 'none', parameters: null, problem: `${indexPath} has no "weight_map"` };
    const shards = [...new Set(Object.values(map).map(String))];
    const missing = shards.filter((shard) => !existsSync(join(folder, shard)));
    if (missing.length > 0) return { weights: 'sharded', parameters: null, problem: `missing weight shards in ${folder}: ${missing.join(', ')}` };
    return { weights: 'sharded', parameters: shards.reduce((sum, shard) => sum + safetensorsParameterCount(join(folder, shard)), 0) };
  }
  const tfjsPath = join(folder, TFJS_MODEL_FILE);
  if (existsSync(tfjsPath)) {
    const model = await readJsonFile(tfjsPath);
    const manifest = isRecord(model) && Array.isArray(model.weightsManifest) ? (model.weightsManifest as { weights?: { shape: number[] }[] }[]) : [];
    const parameters = manifest.flatMap((group) => group.weights ?? []).reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
    const metadata = isRecord(model) && isRecord(model.comparo) ? model.comparo : null;
    if (!metadata?.huggingFaceConfig) {
      return { weights: 'tfjs', parameters, problem: `${tfjsPath} is a built-in Comparo model export, not a pretrained encoder` };
    }
    return { weights: 'tfjs', parameters, embeddedConfig: metadata.huggingFaceConfig };
  }
  const pickle = PICKLE_ONLY_FILES.find((file) => existsSync(join(folder, file)));
  if (pickle) {
    return {
      weights: 'pytorch-only',
      parameters: null,
      problem:
        `${folder} has only ${pickle}; Comparo reads model.safetensors (PyTorch .bin files are pickles, which it does not open). ` +
        'Download the safetensors version, or convert once in Python: AutoModel.from_pretrained(folder).save_pretrained(folder, safe_serialization=True).',
    };
  }
  return { weights: 'none', parameters: null, problem: `no model.safetensors in ${folder}` };
}

export interface InspectIdentity {
  source: string;
  kind: ModelInfo['kind'];
  hubId: string | null;
}

/** Describes a model folder; throws not_found when the folder does not exist. */
export async function inspectModelFolder(folder: string, identity: InspectIdentity): Promise<ModelInfo> {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new AppError('not_found', `${folder}: no such folder`);
  const problems: string[] = [];
  const found = await findWeights(folder);
  if (found.problem) problems.push(found.problem);

  // config.json, or the one our TF.js export carries; checked by its family's schema.
  let json: unknown = found.embeddedConfig;
  const configPath = found.embeddedConfig ? join(folder, TFJS_MODEL_FILE) : join(folder, 'config.json');
  if (json === undefined && existsSync(configPath)) {
    try {
      json = await readJsonFile(configPath);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  } else if (json === undefined) problems.push(`no config.json in ${folder}`);
  let config: HfConfig | null = null;
  if (json !== undefined) {
    try {
      config = parseHfConfig(json, configPath);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  const raw: Record<string, unknown> = isRecord(json) ? json : {};

  const tokenizer = detectTokenizerKind(folder);
  if (!tokenizer) problems.push(`no tokenizer in ${folder}: put ${MISSING_TOKENIZER_HINT} there`);

  // Sizes in the shared names (DistilBERT's dim is hidden_size); a config that does not parse still shows what it says.
  const int = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : null);
  const sizes: Record<string, unknown> = config ?? raw;
  const family = findFamily(raw.model_type);
  return {
    ...identity,
    folder,
    family: family?.modelType ?? null,
    familyLabel: family?.label ?? null,
    layers: int(sizes.num_hidden_layers),
    hiddenSize: int(sizes.hidden_size),
    heads: int(sizes.num_attention_heads),
    vocabSize: int(sizes.vocab_size),
    parameters: found.parameters,
    sizeBytes: folderSize(folder),
    tokenizer,
    weights: found.weights,
    sizeClass: sizeClassOf(found.parameters),
    recommendedLearningRate: ownFineTuningRate(folder) ?? recommendedLearningRate(found.parameters),
    usable: problems.length === 0,
    problems,
  };
}
