// Fine-tuning the tiny BERT fixture through the real machinery: forked trainer processes
// (baseline, comparative with CmpDrop + CmpCrop, checkpoint and identical resume), then the
// services: a comparison on a sentence-pair dataset, runs.export as a Hugging Face folder and in
// TF.js, and the exports reloaded.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openServices } from '../../main/services';
import { loadPretrainedClassifier } from '../../main/pretrained/load';
import { pretrainedRunModel } from '../../main/training/run-checkpoint';
import { readCheckpoint } from '../../main/training/checkpoint';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { TrainerStartMessage, TrainerToParent } from '../../main/training/protocol';
import { mulberry32 } from '../../shared/random';
import { DEFAULT_RUN_CONFIG, type ComparisonDetail, type DatasetSummary, type RunConfig } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait-for-events';

const BERT = fileURLToPath(new URL('../fixtures/pretrained/bert', import.meta.url));
// Words of the fixture's WordPiece vocabulary (scripts/pretrained-fixture-vocab.ts).
const FILLER = ['the', 'movie', 'film', 'plot', 'acting', 'story', 'was', 'it', 'this', 'very', 'really'];

function pairs(count: number, seed: number) {
  const next = mulberry32(seed);
  const pick = (words: string[]) => words[Math.floor(next() * words.length)];
  return Array.from({ length: count }, (_, i) => {
    const label = i % 2;
    const sentence = () => Array.from({ length: 3 + Math.floor(next() * 4) }, () => pick(FILLER)).join(' ');
    const cue = label === 1 ? pick(['good', 'great', 'fun']) : pick(['bad', 'boring', 'terrible']);
    return { text: `${sentence()} ${cue}. ${sentence()}.`, pair: sentence(), label };
  });
}

function startMessage(overrides: Partial<RunConfig>, checkpointDir: string, resumeFrom: string | null = null): TrainerStartMessage {
  const split = (rows: ReturnType<typeof pairs>) => ({ texts: rows.map((r) => r.text), textPairs: rows.map((r) => r.pair), labels: rows.map((r) => r.label) });
  return {
    type: 'start',
    runId: 'pretrained-run',
    config: {
      ...DEFAULT_RUN_CONFIG,
      backend: 'wasm',
      epochs: 1,
      batchSize: 16,
      maxLength: 40,
      learningRate: 1e-3,
      utilityLevels: 1,
      utilityDraws: 1,
      checkpointEverySteps: 2,
      model: { ...DEFAULT_RUN_CONFIG.model, pretrained: BERT },
      ...overrides,
    },
    labelNames: ['negative', 'positive'],
    train: split(pairs(64, 1)),
    validation: split(pairs(24, 2)),
    progressIntervalMs: 0,
    checkpointDir,
    resumeFrom,
  };
}

function runTrainer(start: TrainerStartMessage): Promise<TrainerToParent[]> {
  const handle = forkTrainerLauncher(start.runId);
  const messages: TrainerToParent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (handle.kill(), reject(new Error(`trainer did not finish: ${messages.map((m) => m.type)}`))), 100_000);
    handle.onMessage((m) => messages.push(m));
    handle.onExit(() => (clearTimeout(timer), resolve(messages)));
    handle.send(start);
  });
}

const dir = tempDir('comparo-pretrained-run-');
afterAll(() => dir.cleanup());

describe('trainer process with a pretrained BERT folder', () => {
  it.each([
    ['baseline', { loss: 'baseline' as const }, 1],
    ['comparative (CmpDrop C = 2 + CmpCrop 1)', { loss: 'comparative' as const, ablations: 2, crops: 1 }, 4],
  ])('%s: trains, evaluates, checkpoints with the folder recorded, and resumes identically', async (name, overrides, copies) => {
    const folder = join(dir.path, name.split(' ')[0]);
    const messages = await runTrainer(startMessage(overrides, folder));
    const error = messages.find((m) => m.type === 'error');
    expect(error, JSON.stringify(error)).toBeUndefined();
    const done = messages.find((m) => m.type === 'done');
    expect(done).toMatchObject({ type: 'done', metrics: { steps: 4 } });
    const samples = messages.flatMap((m) => (m.type === 'progress' ? m.samples : []));
    expect(samples).toHaveLength(4);
    expect(samples.every((s) => s.copyLosses.length === copies && s.copyLosses.every(Number.isFinite))).toBe(true);
    expect(messages.filter((m) => m.type === 'utility').map((m) => (m as { kind: string }).kind)).toEqual(['drop', 'crop']);
    const step2 = join(folder, 'step-2.ckpt');
    expect(readCheckpoint(step2).header).toMatchObject({ pretrained: BERT, vocabulary: [] });
    // Resuming from step 2 must reach the same final weights as the uninterrupted run.
    const resumed = await runTrainer(startMessage(overrides, join(folder, 'resumed'), step2));
    expect(resumed.find((m) => m.type === 'done')).toBeDefined();
    const a = readCheckpoint(join(folder, 'step-4.ckpt')).weights;
    const b = readCheckpoint(join(folder, 'resumed', 'step-4.ckpt')).weights;
    expect(b.map((w) => Array.from(w))).toEqual(a.map((w) => Array.from(w)));
  });
});


/** Baseline vs comparative, one seed, fine-tuned from `folder` in trainer processes; both must complete. */
async function compareOneSeed(services: ReturnType<typeof openServices>, datasetId: string, folder: string): Promise<ComparisonDetail> {
  const config = { backend: 'wasm' as const, epochs: 1, batchSize: 16, maxLength: 40, utilityLevels: 1, utilityDraws: 1, model: { pretrained: folder } };
  const started = value<{ id: string }>(await services.dispatch('comparisons.start', { datasetId, seeds: 1, config }));
  const current = async () => value<ComparisonDetail>(await services.dispatch('comparisons.get', { id: started.id }));
  await until(services, ['comparison.status'], async () => (await current()).comparison.status !== 'running');
  const detail = await current();
  expect(detail.runs.map((r) => [r.loss, r.status, r.error]).sort()).toEqual([
    ['baseline', 'completed', null],
    ['comparative', 'completed', null],
  ]);
  return detail;
}

describe('services: a comparison on a pair dataset, then runs.export', () => {
  it('fine-tunes baseline vs comparative from the BERT folder and exports the result for transformers and TF.js', async () => {
    const services = openServices({ dataDir: join(dir.path, 'data'), launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick' });
    let runId = '';
    try {
      const rows = pairs(80, 3);
      const csv = ['sentence1,sentence2,label', ...rows.map((r) => `"${r.text}","${r.pair}",${r.label ? 'positive' : 'negative'}`)].join('\n');
      const dataset = value<DatasetSummary>(await services.dispatch('datasets.importText', { fileName: 'pairs.csv', content: csv }));
      expect(dataset.task).toBe('pair_classification');
      const detail = await compareOneSeed(services, dataset.id, BERT);
      const run = detail.runs.find((r) => r.loss === 'comparative')!;
      runId = run.id;
      expect(run.config.model.pretrained).toBe(BERT);
      const hf = join(dir.path, 'export-hf');
      const exported = value<{ files: string[] }>(await services.dispatch('runs.export', { runId: run.id, format: 'huggingface', folder: hf }));
      expect(exported.files).toEqual(expect.arrayContaining(['config.json', 'model.safetensors', 'vocab.txt']));
      expect(readdirSync(hf).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt']);
      const tfjs = join(dir.path, 'export-tfjs');
      value(await services.dispatch('runs.export', { runId: run.id, format: 'tfjs', folder: tfjs }));
      expect(existsSync(join(tfjs, 'weights.bin'))).toBe(true);
      const best = readCheckpoint(join(dir.path, 'data', 'checkpoints', run.id, 'best.ckpt')).weights;
      for (const folder of [hf, tfjs]) {
        const { model, initialisedHead } = loadPretrainedClassifier(folder, { outputs: 2, seed: 5 });
        expect(initialisedHead).toEqual([]);
        expect(model.variables.map((v) => Array.from(v.dataSync()))).toEqual(best.map((w) => Array.from(w)));
        model.dispose();
      }
      // Prediction rebuilds the same model from the checkpoint and the folder it records.
      const rebuilt = await pretrainedRunModel(readCheckpoint(join(dir.path, 'data', 'checkpoints', run.id, 'best.ckpt')), 2, 40);
      expect(rebuilt.model.variables.map((v) => Array.from(v.dataSync()))).toEqual(best.map((w) => Array.from(w)));
      expect(rebuilt.encode('the movie was good.', 'the plot')).toEqual(rebuilt.tokenizer.encode('the movie was good.', 'the plot').ids);
      rebuilt.model.dispose();
      const refused = await services.dispatch('runs.export', { runId: run.id, format: 'huggingface', folder: 'relative/folder' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/absolute path/) } });
    } finally {
      await services.close();
    }
    // The same through the real CLI, as a person would type it.
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir.path, 'data'), ...args], { encoding: 'utf8', timeout: 120_000 });
    const viaCli = cli('export', runId, '--format', 'huggingface', '--out', join(dir.path, 'cli-export'), '--json');
    expect(viaCli.stderr).toBe('');
    expect(JSON.parse(viaCli.stdout)).toMatchObject({ format: 'huggingface', files: expect.arrayContaining(['model.safetensors']) });
    const usage = cli('export', runId, '--out', join(dir.path, 'x'));
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--format huggingface\|tfjs/);
  });
});

const DISTILBERT = fileURLToPath(new URL('../fixtures/pretrained/distilbert', import.meta.url));

describe('services: regression and multi-label from the DistilBERT folder, with a held-out test share', () => {
  // Targets follow the cue words, so a model that trains moves toward them (not asserted: 1 epoch).
  const rows = pairs(100, 7);
  const cases = [
    {
      task: 'regression' as const,
      fileName: 'scores.csv',
      content: ['text,score', ...rows.map((r, i) => `"${r.text}",${(1 + 3 * r.label + (i % 5) / 10).toFixed(2)}`)].join('\n'),
      metrics: ['test_pearson', 'test_spearman', 'test_mse', 'test_mae', 'pearson'],
      problemType: 'regression',
    },
    {
      task: 'multilabel' as const,
      fileName: 'tags.jsonl',
      content: rows.map((r) => JSON.stringify({ text: r.text, labels: [r.label ? 'positive' : 'negative', ...(r.text.includes('plot') ? ['plot'] : [])] })).join('\n'),
      metrics: ['test_micro_f1', 'test_macro_f1', 'micro_f1'],
      problemType: 'multi_label_classification',
    },
  ];

  it.each(cases)('$task: both arms train in trainer processes, score the test split, predict and export for transformers', async (c) => {
    const services = openServices({ dataDir: join(dir.path, `data-${c.task}`), launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick' });
    try {
      const dataset = value<DatasetSummary>(await services.dispatch('datasets.importText', { fileName: c.fileName, content: c.content, options: { testFraction: 0.2 } }));
      expect(dataset.task).toBe(c.task);
      expect(dataset.splits.test).toBe(20);
      const detail = await compareOneSeed(services, dataset.id, DISTILBERT);
      expect(detail.headline).toEqual({ split: 'test', examples: 20, checkpoint: 'selected' });
      for (const run of detail.runs) for (const m of c.metrics) expect(Number.isFinite(run.finalMetrics[m]), `${run.loss} ${m}`).toBe(true);
      const run = detail.runs.find((r) => r.loss === 'comparative')!;
      const predicted = value<{ results: Array<{ ok: boolean; value?: number; probabilities: Record<string, number> }> }>(
        await services.dispatch('predict.text', { runIds: [run.id], text: 'the movie was great. the plot' }),
      );
      const [answer] = predicted.results;
      expect(answer.ok).toBe(true);
      if (c.task === 'regression') expect(Number.isFinite(answer.value)).toBe(true);
      else expect(Object.keys(answer.probabilities).sort()).toEqual(['negative', 'plot', 'positive']);
      const hf = join(dir.path, `export-${c.task}`);
      value(await services.dispatch('runs.export', { runId: run.id, format: 'huggingface', folder: hf }));
      const exportedConfig = JSON.parse(readFileSync(join(hf, 'config.json'), 'utf8')) as { problem_type: string; architectures: string[]; id2label: Record<string, string> };
      expect(exportedConfig.problem_type).toBe(c.problemType);
      expect(exportedConfig.architectures).toEqual(['DistilBertForSequenceClassification']);
      expect(Object.keys(exportedConfig.id2label)).toHaveLength(c.task === 'regression' ? 1 : 3);
    } finally {
      await services.close();
    }
  }, 240_000);
});
