// Predictions from pretrained models, on the tiny BERT fixture (test/fixtures/pretrained/bert):
// a folder with a fine-tuned head (logits under its id2label), a raw encoder without a head
// (cls_hidden), both through the real CLI; and a run fine-tuned from the folder through the
// services and the predictor process, checked against the evaluation the trainer stored.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPretrainedClassifier } from '../../main/pretrained/load';
import { readSafetensors, writeSafetensors } from '../../main/pretrained/safetensors';
import { loadTokenizer } from '../../main/pretrained/tokenizer';
import { openServices, type Services } from '../../main/services';
import { selectBackend } from '../../main/kernels/backends';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { RunPrediction } from '../../shared/predict';
import type { DatasetPreview, DatasetSummary, PredictionRow, RunDetail } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait-for-events';

const BERT = fileURLToPath(new URL('../fixtures/pretrained/bert', import.meta.url));
const TEXTS = [{ text: 'the movie was great' }, { text: 'I love it.', text_pair: 'Good movie' }, { text: 'boring plot, bad acting' }];

const dir = tempDir('comparo-predict-pretrained-');
afterAll(() => dir.cleanup());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir.path, 'cli-data'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The fixture as a bare encoder: the same files without the classifier head. */
function rawEncoderFolder(): string {
  const folder = join(dir.path, 'raw-bert');
  mkdirSync(folder, { recursive: true });
  for (const file of ['config.json', 'vocab.txt', 'tokenizer_config.json']) copyFileSync(join(BERT, file), join(folder, file));
  const tensors = readSafetensors(join(BERT, 'model.safetensors'));
  for (const name of [...tensors.keys()]) if (name.startsWith('classifier.')) tensors.delete(name);
  writeSafetensors(join(folder, 'model.safetensors'), tensors);
  return folder;
}

/** Logits and first-token hidden states straight from the loader, on the tokenizer's own encoding. */
async function direct(folder: string, outputs: number): Promise<{ logits: number[][]; cls: number[][] }> {
  await selectBackend('cpu');
  const tokenizer = await loadTokenizer(folder);
  const { model } = loadPretrainedClassifier(folder, { outputs, seed: 1, sepId: tokenizer.sepId });
  const logits: number[][] = [];
  const cls: number[][] = [];
  for (const t of TEXTS) {
    const { ids } = tokenizer.encode(t.text, t.text_pair);
    const idsTensor = tf.tensor2d([ids], undefined, 'int32');
    const mask = tf.ones([1, ids.length]) as tf.Tensor2D;
    const out = model.logits(idsTensor, mask, [0], 0);
    const hidden = model.lastHiddenState(idsTensor, mask);
    logits.push((out.arraySync() as number[][])[0]);
    cls.push((hidden.arraySync() as number[][][])[0][0]);
    tf.dispose([idsTensor, mask, out, hidden]);
  }
  model.dispose();
  return { logits, cls };
}

const jsonl = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line));

describe('CLI predict --model <pretrained folder>', () => {
  const input = join(dir.path, 'texts.jsonl');
  beforeAll(() => writeFileSync(input, TEXTS.map((t) => JSON.stringify(t)).join('\n') + '\n'));

  it('gives logits and id2label probabilities for a folder with a fine-tuned head', async () => {
    const r = cli('predict', '--model', BERT, '--input', input, '--json', '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const out = jsonl(r.stdout);
    const expected = await direct(BERT, 2);
    expect(out).toHaveLength(TEXTS.length);
    out.forEach((o, i) => {
      expect(Object.keys(o.probabilities)).toEqual(['negative', 'positive']);
      o.logits.forEach((x: number, j: number) => expect(x).toBeCloseTo(expected.logits[i][j], 4));
      expect(o.label).toBe(o.logits[0] > o.logits[1] ? 'negative' : 'positive');
    });
  });

  it('gives the first token\'s final hidden state (cls_hidden) for a raw encoder', async () => {
    const raw = rawEncoderFolder();
    const r = cli('predict', '--model', raw, '--input', input, '--json', '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const out = jsonl(r.stdout);
    const expected = await direct(raw, 2);
    out.forEach((o, i) => {
      expect(Object.keys(o)).toEqual(['cls_hidden']);
      expect(o.cls_hidden).toHaveLength(32); // hidden_size of the fixture
      o.cls_hidden.forEach((x: number, j: number) => expect(x).toBeCloseTo(expected.cls[i][j], 4));
    });
  });
});


describe('a run fine-tuned from the pretrained folder', () => {
  let services: Services;
  beforeAll(() => {
    services = openServices({ dataDir: join(dir.path, 'data'), launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick' });
  });
  afterAll(() => services.close());

  it('predicts pairs in the Playground and a file as the evaluation scored them', async () => {
    const words = ['the', 'movie', 'film', 'plot', 'acting', 'story', 'was', 'it', 'this', 'very'];
    const rows = Array.from({ length: 80 }, (_, i) => {
      const positive = i % 2 === 1;
      return [`${words[i % 10]} ${words[(i * 3) % 10]} ${positive ? 'great' : 'boring'}.`, `${words[(i * 7) % 10]} ${words[(i + 4) % 10]}`, positive ? 'positive' : 'negative'];
    });
    const csv = Papa.unparse({ fields: ['sentence1', 'sentence2', 'label'], data: rows });
    const dataset = value<DatasetSummary>(await services.dispatch('datasets.importText', { fileName: 'pairs.csv', content: csv }));
    const config = { epochs: 1, batchSize: 16, maxLength: 40, utilityLevels: 0, model: { pretrained: BERT } };
    const started = value<{ id: string }>(await services.dispatch('runs.start', { datasetId: dataset.id, config: { ...config, loss: 'baseline' } }));
    const current = async () => value<RunDetail>(await services.dispatch('runs.get', { id: started.id })).run;
    await until(services, ['run.status'], async () => !['queued', 'running', 'paused'].includes((await current()).status));
    const run = await current();
    expect(run.status, run.error ?? '').toBe('completed');

    const { results } = value<{ results: RunPrediction[] }>(await services.dispatch('predict.text', { runIds: [run.id], text: 'the film was great.', textPair: 'the story' }));
    const r = results[0];
    if (!r.ok) throw new Error(r.error.message);
    expect(r.labels).toEqual(['negative', 'positive']);
    expect(r.probabilities.negative + r.probabilities.positive).toBeCloseTo(1, 5);

    // Exported as a Hugging Face folder, the fine-tuned head predicts the same from the CLI.
    const exported = join(dir.path, 'exported');
    value(await services.dispatch('runs.export', { runId: run.id, format: 'huggingface', folder: exported }));
    const pairInput = join(dir.path, 'pair.jsonl');
    writeFileSync(pairInput, JSON.stringify({ text: 'the film was great.', text_pair: 'the story' }) + '\n');
    const fromFolder = cli('predict', '--model', exported, '--input', pairInput, '--json');
    expect(fromFolder.code, fromFolder.stderr).toBe(0);
    const [line] = jsonl(fromFolder.stdout);
    expect(line.label).toBe(r.label);
    line.logits.forEach((x: number, j: number) => expect(x).toBeCloseTo(r.logits[j], 4));

    const runDetail = value<RunDetail>(await services.dispatch('runs.get', { id: run.id }));
    const bestStep = runDetail.evaluations.find((e) => e.best)!.step;
    const stored = value<{ rows: PredictionRow[] }>(await services.dispatch('runs.predictions', { id: run.id, step: bestStep })).rows;
    const validation = value<DatasetPreview>(await services.dispatch('datasets.preview', { id: dataset.id, limit: 1000 })).rows.filter((row) => row.split === 'validation');
    const content = validation.map((row) => JSON.stringify({ text: row.text, text_pair: row.textPair })).join('\n');
    const file = value<{ csv: string }>(await services.dispatch('predict.file', { runId: run.id, fileName: 'val.jsonl', content }));
    const predicted = Papa.parse<Record<string, string>>(file.csv, { header: true, skipEmptyLines: true }).data;
    expect(predicted).toHaveLength(validation.length);
    predicted.forEach((row, i) => {
      const expected = stored.find((p) => p.index === i)!;
      expect(row.predicted_label).toBe(dataset.labels[expected.predicted]);
      expect(Number(row[`p_${row.predicted_label}`])).toBeCloseTo(expected.confidence, 3);
    });
  });
});
