// One real run on the embedded IMDB 2k dataset (80/20 stratified split, as the app imports it),
// timing training and neuronal utility separately: how long `compare` takes per seed and arm.
// Run: npx tsx bench/imdb-run.ts [--loss comparative] [--seed 1] [--backend wasm] [--config '{"epochs":3}']
// Prints ONE JSON object.
import { readFileSync } from 'node:fs';
import { type BackendPreference, selectBackend } from '../main/kernels/backends';
import { runTraining, TrainingControl } from '../main/training/engine';
import type { LabelledTexts, TrainerToParent } from '../main/training/protocol';
import { parseDataset, stratifiedSplit } from '../main/services/import/index';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../shared/schemas';
import { argument } from './bench-step';

const rows = parseDataset('imdb-reviews-2k.csv', readFileSync('assets/datasets/imdb-reviews-2k.csv', 'utf8')).rows;
const labelNames = [...new Set(rows.map((r) => r.label))].sort();
const splits = stratifiedSplit(rows.map((r) => r.label), 0.2, 1);
const split = (name: string): LabelledTexts => {
  const picked = rows.filter((_, i) => splits[i] === name);
  return { texts: picked.map((r) => r.text), labels: picked.map((r) => labelNames.indexOf(r.label)) };
};

const backend = await selectBackend((argument('backend') ?? 'wasm') as BackendPreference);
const config: RunConfig = {
  ...DEFAULT_RUN_CONFIG,
  loss: (argument('loss') ?? 'comparative') as RunConfig['loss'],
  seed: Number(argument('seed') ?? 1),
  ...(JSON.parse(argument('config') ?? '{}') as Partial<RunConfig>),
};
const began = Date.now();
let trainedAt = 0;
const messages: TrainerToParent[] = [];
await runTraining(
  { type: 'start', runId: 'bench', config, labelNames, train: split('train'), validation: split('validation'), progressIntervalMs: 5000 },
  {
    control: new TrainingControl(),
    emit: (m) => {
      if (m.type === 'utility' && !trainedAt) trainedAt = Date.now();
      messages.push(m);
    },
  },
);
const done = messages.find((m) => m.type === 'done');
const evals = messages.flatMap((m) => (m.type === 'eval' ? [{ step: m.step, ...m.metrics }] : []));
const utility = messages.flatMap((m) => (m.type === 'utility' ? [{ kind: m.kind, beatenShare: m.beatenShare, accuracy: m.levels.map((l) => Number(l.metrics.accuracy?.toFixed(3))) }] : []));
process.stdout.write(
  JSON.stringify({ backend, loss: config.loss, seed: config.seed, totalMs: Date.now() - began, utilityMs: trainedAt ? Date.now() - trainedAt : 0, done, evals, utility }, null, 1) + '\n',
);
