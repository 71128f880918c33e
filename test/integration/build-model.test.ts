// `npm run build:model` on a short schedule, twice: the same corpus and seed give the same weight
// and tokenizer bytes (the shipped model is rebuilt the same way at full length), and the corpus
// leaves out every text of the embedded datasets, so fine-tuning results on them are not inflated
// by pretraining on their validation or test texts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { pretrainingCorpus } from '../../scripts/build-model';
import { FROM_SCRATCH_PRETRAINED_LEARNING_RATE } from '../../shared/models';

const dir = mkdtempSync(join(tmpdir(), 'comparo-build-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(out: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-model.ts', '--steps', '3', '--max-documents', '300', '--out', out], { encoding: 'utf8', timeout: 240_000 });
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
}

describe('npm run build:model', () => {
  it('rebuilds the same weights and vocabulary byte for byte on a short schedule', () => {
    build(join(dir, 'a'));
    build(join(dir, 'b'));
    for (const file of ['model.safetensors', 'tokenizer.json', 'config.json']) {
      expect(readFileSync(join(dir, 'b', file)).equals(readFileSync(join(dir, 'a', file))), file).toBe(true);
    }
    const config = JSON.parse(readFileSync(join(dir, 'a', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'bert', architectures: ['BertForMaskedLM'], num_hidden_layers: 2, hidden_size: 128 });
    const report = JSON.parse(readFileSync(join(dir, 'a', 'pretraining.json'), 'utf8'));
    expect(report.corpus.documents).toBe(300);
    expect(report.trainLoss).toHaveLength(3);
  });

  it('recommends its own fine-tuning rate, and a model adapted from it keeps that advice', () => {
    const report = JSON.parse(readFileSync(join(dir, 'a', 'pretraining.json'), 'utf8'));
    expect(report.fineTuningLearningRate).toBe(FROM_SCRATCH_PRETRAINED_LEARNING_RATE);
    const texts = join(dir, 'texts.txt');
    writeFileSync(texts, pretrainingCorpus(200).lines.join('\n') + '\n');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir, 'data'), ...args], { encoding: 'utf8', timeout: 240_000 });
    const adapted = join(dir, 'adapted');
    const r = cli('pretrain', '--model', join(dir, 'a'), '--texts', texts, '--steps', '1', '--batch-size', '4', '--sequence-length', '32', '--out', adapted);
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(readFileSync(join(adapted, 'pretraining.json'), 'utf8')).fineTuningLearningRate).toBe(FROM_SCRATCH_PRETRAINED_LEARNING_RATE);
    // The model picker and `train --model` take the folder's advice over the size rule (2e-4 for a model this small).
    const inspected = cli('models', 'inspect', adapted, '--json');
    expect(inspected.status, inspected.stderr).toBe(0);
    expect(JSON.parse(inspected.stdout).recommendedLearningRate).toBe(FROM_SCRATCH_PRETRAINED_LEARNING_RATE);
  });

  it('pretrains on neither embedded dataset: none of their texts is in the corpus', () => {
    const corpus = pretrainingCorpus();
    const lines = new Set(corpus.lines);
    for (const file of ['assets/datasets/imdb-reviews-2k.csv', 'assets/datasets/spam-assassin-2k.csv']) {
      const rows = Papa.parse<{ text: string }>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
      expect(rows.length).toBe(2000);
      expect(rows.filter((row) => lines.has(row.text.replace(/\s+/g, ' ').trim())).length, file).toBe(0);
    }
    expect(corpus.excluded).toBe(4000);
    expect(corpus.reviews).toBeGreaterThan(40_000);
    expect(corpus.emails).toBeGreaterThan(3_000);
  });
});
