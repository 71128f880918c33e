// ms per training step of a pretrained-architecture encoder (BERT-tiny's shape: 2 layers, hidden
// 128, 2 heads, FFN 512, vocab 30522; random weights made in memory), seq 128, batch 32, baseline
// and comparative (CmpDrop, C = 2), per backend, as the engine steps (gradients of every copy,
// global norm, clipping, AdamW). JSON on stdout.
// Usage: npx tsx bench/pretrained-step.ts [--backends wasm+openblas,wasm,cpu] [--steps 5] [--cpu-steps 2] [--family bert]
import * as tf from '@tensorflow/tfjs';
import { parseHfConfig } from '../main/pretrained/hf-config';
import { PretrainedEncoderClassifier } from '../main/models/pretrained-classifier';
import type { NamedTensor } from '../main/pretrained/safetensors';
import { encoderSpecs } from '../main/pretrained/weight-names';
import { selectBackend } from '../main/kernels/backends';
import type { StepInput } from '../main/training/training-step';
import { argument, timeOptimizerSteps } from './bench-step';
import { mixSeed, mulberry32, normalArray } from '../shared/random';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../shared/schemas';

const BATCH = 32;
const LENGTH = 128;
const WARMUP = 1;

/** The families whose config.json has BERT's field names (main/models/families/bert-style.ts). */
type Family = 'bert' | 'electra' | 'roberta';

/** BERT-tiny's shape (google/bert_uncased_L-2_H-128_A-2) in the given family, random weights. */
export function bertTinyEncoder(family: Family = 'bert'): PretrainedEncoderClassifier {
  const config = parseHfConfig(
    {
      model_type: family,
      vocab_size: 30522,
      hidden_size: 128,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 512,
      max_position_embeddings: 512 + (family === 'roberta' ? 2 : 0),
      type_vocab_size: family === 'roberta' ? 1 : 2,
      pad_token_id: family === 'roberta' ? 1 : 0,
    },
    'bench',
  );
  const weights = new Map<string, NamedTensor>();
  encoderSpecs(config).forEach((spec, i) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = /LayerNorm\.weight$/.test(spec.name) ? new Float32Array(size).fill(1) : normalArray(size, 0.02, mixSeed(3, i));
    weights.set(spec.name, { shape: spec.shape, data });
  });
  return new PretrainedEncoderClassifier(config, weights, { outputs: 2, seed: 1, sepId: 102 });
}

export function timePretrainedSteps(patch: Partial<RunConfig>, steps: number, family: Family = 'bert') {
  const config: RunConfig = { ...DEFAULT_RUN_CONFIG, maxLength: LENGTH, ...patch };
  const model = bertTinyEncoder(family);
  const next = mulberry32(7);
  const rows = Array.from({ length: BATCH }, () => [101, ...Array.from({ length: LENGTH - 2 }, () => 1000 + Math.floor(next() * 29000)), 102]);
  const input: StepInput = { inputs: [rows], labels: rows.map((_, i) => i % 2) };
  const t = timeOptimizerSteps(model, input, config, WARMUP, steps);
  return { msPerStep: Math.round(t.msPerStep), cpuMsPerStep: Math.round(t.cpuMsPerStep), minMs: Math.round(t.minMs), maxMs: Math.round(t.maxMs), steps: t.steps };
}

async function main(): Promise<void> {
  const backends = (argument('backends') ?? 'wasm+openblas,wasm,cpu').split(',');
  const family = (argument('family') ?? 'bert') as Family;
  const results: Record<string, unknown> = {};
  for (const requested of backends) {
    const backend = await selectBackend(requested as 'wasm+openblas' | 'wasm' | 'cpu' | 'tensorflow');
    if (backend in results) continue; // fell back to one already measured
    // The pure-JS backend takes minutes per step at this size: fewer timed steps there.
    const steps = Number(backend === 'cpu' ? (argument('cpu-steps') ?? 2) : (argument('steps') ?? 5));
    results[backend] = {
      baseline: timePretrainedSteps({ loss: 'baseline' }, steps, family),
      comparativeC2: timePretrainedSteps({ loss: 'comparative', ablations: 2 }, steps, family),
    };
    process.stderr.write(`${backend}: ${JSON.stringify(results[backend])}\n`);
  }
  const shape = { family, layers: 2, hidden: 128, heads: 2, ffn: 512, vocab: 30522, seq: LENGTH, batch: BATCH, warmupSteps: WARMUP };
  process.stdout.write(JSON.stringify({ bench: 'pretrained-step', shape, tfjs: tf.version.tfjs, results }, null, 2) + '\n');
}

if (process.argv[1]?.endsWith('pretrained-step.ts')) void main();
