// Training step time per backend, baseline vs comparative (C = 2), for the default model.
// Run: npx tsx bench/step-time.ts [--steps 10] [--backends tensorflow,wasm,cpu]
// Prints ONE JSON object on stdout. Backend selection is global to a tfjs process, so each
// backend is measured in its own child process (this same file with --child <backend>).
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BackendPreference, selectBackend } from '../main/training/backends';
import { disposeBatch, padBatch } from '../main/training/batching';
import { TransformerClassifier } from '../main/training/model';
import { dropoutStepSeed } from '../main/training/nested-dropout';
import { mulberry32 } from '../shared/random';
import { trainingStep } from '../main/training/training-step';
import { DEFAULT_MODEL, DEFAULT_RUN_CONFIG, type RunConfig } from '../shared/schemas';

const BATCH_SIZE = 32;
const SEQ_LENGTH = 128;
const WARMUP_STEPS = 3;

interface LossTiming {
  msPerStep: number; // median
  minMs: number;
  maxMs: number;
  steps: number;
}

interface BackendResult {
  requested: string;
  backend?: string;
  available: boolean;
  reason?: string;
  baseline?: LossTiming;
  comparative?: LossTiming;
  comparativeOverBaseline?: number;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function timeLoss(loss: RunConfig['loss'], timedSteps: number): LossTiming {
  const config: RunConfig = { ...DEFAULT_RUN_CONFIG, loss, ablations: 2, maxLength: SEQ_LENGTH, model: DEFAULT_MODEL };
  const model = new TransformerClassifier({ ...DEFAULT_MODEL, maxLength: SEQ_LENGTH, numClasses: 2 }, 1);
  const optimizer = tf.train.adam(config.learningRate);
  const next = mulberry32(7);
  // Full-length sequences: the worst case for attention, and what long IMDB reviews look like.
  const examples = Array.from({ length: BATCH_SIZE }, (_, i) => ({
    ids: Array.from({ length: SEQ_LENGTH }, () => 2 + Math.floor(next() * (DEFAULT_MODEL.vocabSize - 2))),
    label: i % 2,
  }));
  const batch = padBatch(examples);
  const durations: number[] = [];
  for (let step = 0; step < WARMUP_STEPS + timedSteps; step++) {
    const began = performance.now();
    trainingStep(model, optimizer, batch, config, dropoutStepSeed(1, step));
    if (step >= WARMUP_STEPS) durations.push(performance.now() - began);
  }
  disposeBatch(batch);
  model.dispose();
  optimizer.dispose();
  return { msPerStep: median(durations), minMs: Math.min(...durations), maxMs: Math.max(...durations), steps: durations.length };
}

async function measureInThisProcess(requested: BackendPreference, timedSteps: number): Promise<BackendResult> {
  const backend = await selectBackend(requested);
  const matches = requested === 'tensorflow' ? backend.startsWith('tensorflow') : backend === requested;
  if (!matches) return { requested, backend, available: false, reason: `not loadable here (fell back to ${backend})` };
  const baseline = timeLoss('baseline', timedSteps);
  const comparative = timeLoss('comparative', timedSteps);
  return { requested, backend, available: true, baseline, comparative, comparativeOverBaseline: comparative.msPerStep / baseline.msPerStep };
}

function measureInChild(requested: string, timedSteps: number): BackendResult {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawnSync(
    process.execPath,
    ['--import', tsx, fileURLToPath(import.meta.url), '--child', requested, '--steps', String(timedSteps)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const lastLine = child.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(lastLine) as BackendResult;
  } catch {
    return { requested, available: false, reason: `child failed (exit ${child.status}): ${child.stderr.trim().slice(-300)}` };
  }
}

async function main(): Promise<void> {
  const timedSteps = Math.max(1, Number(argument('steps') ?? 10));
  const child = argument('child');
  if (child) {
    process.stdout.write(JSON.stringify(await measureInThisProcess(child as BackendPreference, timedSteps)) + '\n');
    return;
  }
  const backends = (argument('backends') ?? 'tensorflow,wasm,cpu').split(',');
  const results = backends.map((backend) => measureInChild(backend, timedSteps));
  const report = {
    what: 'ms per training step (forward + backward + Adam), median after warm-up',
    model: DEFAULT_MODEL,
    batchSize: BATCH_SIZE,
    seqLength: SEQ_LENGTH,
    ablations: 2,
    warmupSteps: WARMUP_STEPS,
    timedSteps,
    host: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: loadavg() },
    backends: Object.fromEntries(results.map((result) => [result.requested, result])),
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

await main();
