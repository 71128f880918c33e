// ms per question-answering training step (task 'qa': start/end logits per token, masked to the
// context; comparative = the reference's CmpQA, start and end losses ranked separately) at the
// BERT-tiny shape with run_qa's window: batch 16 x 384 tokens, baseline and comparative C = 2,
// ours (the built-in TransformerClassifier reading tokens, the trainer's optimizerStep) against the
// same model in PyTorch (bench/pytorch_qa_step.py). bench/index.ts runs this as its 'qa' part.
// Run: npx tsx bench/qa-step.ts [--steps 5] [--backend wasm+openblas]   (ONE JSON object on stdout)
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type BackendPreference, selectBackend } from '../main/kernels/backends';
import { TransformerClassifier } from '../main/models/builtin-classifier';
import type { SpanTarget } from '../main/tasks/task-head';
import { AdamW } from '../main/training/optimizer';
import { optimizerStep } from '../main/training/trainer-step';
import type { StepInput } from '../main/training/training-step';
import { mulberry32 } from '../shared/random';
import { DEFAULT_RUN_CONFIG, type ModelConfig, type RunConfig } from '../shared/schemas';
import { argument } from './bench-step';

/** run_qa.py's defaults: 384-token windows; batch 16 keeps a step near a second on 2 cores. */
export const QA_BATCH = 16;
export const QA_LENGTH = 384;
export const QA_WARMUP = 2;
const BERT_TINY: ModelConfig = { vocabSize: 30522, dim: 128, layers: 2, heads: 2, ffnDim: 512 };
/** Where the context starts in every window (after "[CLS] question [SEP]"), as in pytorch_qa_step.py. */
const CONTEXT_START = 24;

interface Timing {
  msPerStep: number;
  cpuMsPerStep: number;
  minMs: number;
  maxMs: number;
  steps: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** One fixed batch: full-length windows, answers inside the context, every 4th window without one. */
function qaBatch(): StepInput {
  const next = mulberry32(7);
  const inputs = [Array.from({ length: QA_BATCH }, () => Array.from({ length: QA_LENGTH }, () => 2 + Math.floor(next() * (BERT_TINY.vocabSize - 2))))];
  const spans: SpanTarget[] = inputs[0].map((_, i) => {
    if (i % 4 === 3) return { start: 0, end: 0, contextStart: CONTEXT_START, contextStop: QA_LENGTH - 1 };
    const start = CONTEXT_START + Math.floor(next() * (QA_LENGTH - 1 - CONTEXT_START - 30));
    return { start, end: start + Math.floor(next() * 30), contextStart: CONTEXT_START, contextStop: QA_LENGTH - 1 };
  });
  return { inputs, labels: spans.map(() => 0), spans: [spans] };
}

/** The trainer's optimizer step (all copies forward + backward, clipping, schedule, AdamW) on task 'qa'. */
function timeQaSteps(loss: 'baseline' | 'comparative', timedSteps: number): Timing {
  const config: RunConfig = { ...DEFAULT_RUN_CONFIG, loss, ablations: 2, maxLength: QA_LENGTH, model: BERT_TINY, gradAccumulation: 1 };
  const model = new TransformerClassifier({ ...BERT_TINY, maxLength: QA_LENGTH, numClasses: 2, reads: 'tokens' }, 1);
  const optimizer = new AdamW(model.variables, { weightDecay: config.weightDecay });
  const total = QA_WARMUP + timedSteps;
  const context = { model, optimizer, config, task: 'qa' as const, totalSteps: total, stepsPerEpoch: total };
  const input = qaBatch();
  const durations: number[] = [];
  const cpuDurations: number[] = [];
  for (let step = 0; step < total; step++) {
    const began = performance.now();
    const cpuBegan = process.cpuUsage();
    optimizerStep(context, [input], step);
    if (step < QA_WARMUP) continue;
    durations.push(performance.now() - began);
    const cpu = process.cpuUsage(cpuBegan);
    cpuDurations.push((cpu.user + cpu.system) / 1000);
  }
  model.dispose();
  optimizer.dispose();
  if (tf.memory().numTensors > 1000) throw new Error('the QA bench leaks tensors');
  return { msPerStep: median(durations), cpuMsPerStep: median(cpuDurations), minMs: Math.min(...durations), maxMs: Math.max(...durations), steps: durations.length };
}

async function measureInThisProcess(requested: BackendPreference, timedSteps: number) {
  const backend = await selectBackend(requested);
  if (backend !== requested) return { requested, backend, available: false, reason: `not loadable here (fell back to ${backend})` };
  const baseline = timeQaSteps('baseline', timedSteps);
  const comparative = timeQaSteps('comparative', timedSteps);
  return { requested, backend, available: true, baseline, comparative, comparativeOverBaseline: +(comparative.msPerStep / baseline.msPerStep).toFixed(2), peakRssMb: +(process.resourceUsage().maxRSS / 1024).toFixed(1) };
}

type Json = Record<string, unknown>;

function lastJsonLine(stdout: string, what: string, status: number | null, stderr: string): Json {
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Json;
  } catch {
    return { available: false, reason: `${what} failed (exit ${status}): ${stderr.trim().slice(-300)}` };
  }
}

/** Ours in a child process (backend selection is global to a tfjs process), 2 OpenBLAS threads as PyTorch's 2. */
function oursInChild(backend: string, timedSteps: number): Json {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawnSync(process.execPath, ['--import', tsx, fileURLToPath(import.meta.url), '--child', backend, '--steps', String(timedSteps)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    env: { COMPARO_OPENBLAS_THREADS: '2', ...process.env },
  });
  return lastJsonLine(child.stdout, 'qa-step.ts child', child.status, child.stderr);
}

function pytorchInChild(python: string | null, timedSteps: number, env: NodeJS.ProcessEnv): Json {
  if (!python) return { available: false, reason: 'no python3 with torch found (Debian: apt-get install python3-torch)' };
  const script = fileURLToPath(new URL('./pytorch_qa_step.py', import.meta.url));
  const run = spawnSync(python, [script, '--steps', String(timedSteps), '--threads', '2', '--warmup', String(QA_WARMUP)], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  const result = lastJsonLine(run.stdout, 'pytorch_qa_step.py', run.status, run.stderr);
  return 'available' in result ? result : { available: true, python, ...result };
}

/**
 * The whole QA part: ours on `backend`, PyTorch (when `python` imports torch, run with `torchEnv`:
 * its thread counts and OpenBLAS kernels, as bench/index.ts sets them for pytorch_step.py), ratios.
 */
export function qaStepTimes(timedSteps: number, backend: string, python: string | null, torchEnv: NodeJS.ProcessEnv): Json {
  const ours = oursInChild(backend, timedSteps);
  const pytorch = pytorchInChild(python, timedSteps, torchEnv);
  const report: Json = { what: 'ms per QA training step (BERT-tiny shape, batch x tokens below), median after warm-up; task qa, CmpQA for comparative C = 2', batchSize: QA_BATCH, seqLength: QA_LENGTH, warmupSteps: QA_WARMUP, timedSteps, ours, pytorch };
  const t = (side: Json, loss: string) => (side[loss] as Timing | undefined)?.msPerStep;
  if (ours.available && pytorch.available) {
    report.oursOverPytorch = {
      baseline: +(t(ours, 'baseline')! / t(pytorch, 'baseline')!).toFixed(2),
      comparative: +(t(ours, 'comparative')! / t(pytorch, 'comparative')!).toFixed(2),
    };
  }
  return report;
}

async function main(): Promise<void> {
  const timedSteps = Math.max(1, Number(argument('steps') ?? 5));
  const child = argument('child');
  if (child) {
    process.stdout.write(JSON.stringify(await measureInThisProcess(child as BackendPreference, timedSteps)) + '\n');
    return;
  }
  const python = [process.env.COMPARO_PYTHON, 'python3', '/usr/bin/python3'].find((p) => p && spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
  const env = { ...process.env, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2' };
  process.stdout.write(JSON.stringify(qaStepTimes(timedSteps, argument('backend') ?? 'wasm+openblas', python, env), null, 2) + '\n');
}

// Only as a script or a child: bench/index.ts imports qaStepTimes.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
