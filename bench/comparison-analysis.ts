// How long one `comparisons.analysis` request takes (the comparison views' only request, polled
// every 5 s while a comparison trains) on a paper-sized comparison, over the real services and a
// real SQLite file. Trainers are scripted so the stored history is exactly this size:
// 5 seeds x 2 arms, 1500 steps each (per-step l0..lC, Lcmp, lr, grad norm), an evaluation every
// 100 steps with all 400 validation predictions, drop and crop utility. Prints JSON.
//   npx tsx bench/comparison-analysis.ts [--seeds 5] [--steps 1500] [--repeat 15]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openServices } from '../main/services';
import type { StepSample, TrainerHandle, TrainerStartMessage, TrainerToParent } from '../main/training/protocol';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '5' }, steps: { type: 'string', default: '1500' }, repeat: { type: 'string', default: '15' } } });
const SEEDS = Number(values.seeds);
const STEPS = Number(values.steps);
const REPEAT = Number(values.repeat);
const EVAL_EVERY = 100;

function scriptedTrainer(): TrainerHandle & { started: TrainerStartMessage | null; say(m: TrainerToParent): void; exit(): void } {
  let onMessage: (m: TrainerToParent) => void = () => {};
  let onExit: (code: number | null, signal: string | null) => void = () => {};
  const handle = {
    pid: undefined,
    started: null as TrainerStartMessage | null,
    send: (m: { type: string }) => {
      if (m.type === 'start') handle.started = m as TrainerStartMessage;
      if (m.type === 'cancel') setImmediate(() => onExit(0, null));
    },
    onMessage: (l: (m: TrainerToParent) => void) => (onMessage = l),
    onExit: (l: (code: number | null, signal: string | null) => void) => (onExit = l),
    kill: () => onExit(null, 'SIGTERM'),
    say: (m: TrainerToParent) => onMessage(m),
    exit: () => onExit(0, null),
  };
  return handle;
}

function train(t: ReturnType<typeof scriptedTrainer>, loss: string, seed: number): void {
  const validation = t.started!.validation;
  // Deterministic per (arm, seed, example): the arms disagree on some examples, as real ones do.
  const random = (i: number) => (Math.abs(Math.sin(seed * 9301 + (loss === 'comparative' ? 7 : 0) + i * 49297)) * 1e4) % 1;
  t.say({ type: 'ready', backend: 'wasm' });
  for (let step = 1; step <= STEPS; step += 50) {
    const samples: StepSample[] = Array.from({ length: 50 }, (_, i) => ({
      step: step + i,
      epoch: (step + i) / STEPS,
      loss: 1 / (step + i),
      copyLosses: loss === 'comparative' ? [0.5, 0.6, 0.7] : [0.5],
      cmpLoss: loss === 'comparative' ? 0.3 : null,
      lr: 0.001,
      gradNorm: 1,
    }));
    t.say({ type: 'progress', step: step + 49, totalSteps: STEPS, epoch: (step + 49) / STEPS, elapsedMs: step, etaMs: 0, samples });
    if ((step + 49) % EVAL_EVERY === 0) {
      const at = step + 49;
      const predictions = validation.labels.map((gold, index) => ({ index, gold, predicted: random(index + at) < 0.8 ? gold : 1 - gold, confidence: random(index) }));
      t.say({
        type: 'eval',
        step: at,
        epoch: at / STEPS,
        metrics: { accuracy: 0.8, macro_f1: 0.79, loss: 0.4 },
        perClass: [
          { label: 'negative', precision: 0.8, recall: 0.8, f1: 0.8, support: 200 },
          { label: 'positive', precision: 0.8, recall: 0.8, f1: 0.8, support: 200 },
        ],
        confusion: [
          [160, 40],
          [40, 160],
        ],
        predictions,
        best: at === STEPS,
        trainingMs: at * 20,
      });
    }
  }
  for (const kind of ['drop', 'crop'] as const) {
    t.say({ type: 'utility', kind, levels: [0, 1, 2, 3, 4, 5, 6].map((k) => ({ k, rate: 1 - 0.9 ** k, metrics: { accuracy: 0.8 - k / 50 } })), beatenShare: 0.1 });
  }
  t.say({ type: 'done', metrics: { accuracy: 0.8 }, elapsedMs: STEPS * 20, msPerStep: 20, bestStep: STEPS });
  t.exit();
}

const dir = mkdtempSync(join(tmpdir(), 'comparo-bench-analysis-'));
const trainers: Array<ReturnType<typeof scriptedTrainer>> = [];
const services = openServices({
  dataDir: dir,
  transport: 'cli',
  maxParallelRuns: 2 * SEEDS,
  launcher: () => {
    const t = scriptedTrainer();
    trainers.push(t);
    return t;
  },
});
try {
  const imported = await services.dispatch('datasets.importEmbedded', {});
  if (!imported.ok) throw new Error(imported.error.message);
  const datasetId = (imported.value as { id: string }).id;
  const started = await services.dispatch('comparisons.start', { datasetId, seeds: SEEDS, config: { ablations: 2, model: { pretrained: 'builtin' } } });
  if (!started.ok) throw new Error(started.error.message);
  for (const t of trainers) train(t, t.started!.config.loss, t.started!.config.seed);
  const id = (started.value as { id: string }).id;
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REPEAT; i++) {
    const began = performance.now();
    const answer = await services.dispatch('comparisons.analysis', { id });
    times.push(performance.now() - began);
    if (!answer.ok) throw new Error(answer.error.message);
    bytes = JSON.stringify(answer.value).length;
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: 'comparisons.analysis',
      seeds: SEEDS,
      runs: 2 * SEEDS,
      stepsPerRun: STEPS,
      evaluationsPerRun: Math.floor(STEPS / EVAL_EVERY),
      repeat: REPEAT,
      firstMs: +times[0].toFixed(1),
      medianMs: +sorted[Math.floor(sorted.length / 2)].toFixed(1),
      maxMs: +sorted[sorted.length - 1].toFixed(1),
      responseBytes: bytes,
    }),
  );
} finally {
  await services.close();
  rmSync(dir, { recursive: true, force: true });
}
