// The masked-language-model head and batches: logits and loss against a plain-PyTorch
// BertForMaskedLM (test/reference/mlm_reference.py) on masked real text; the loss over every
// position with -100 labels equals the loss at the predicted positions alone; and BERT's masking
// proportions hold on real batches, special tokens never chosen.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { MASKED_LM_ARCHITECTURE, MaskedLanguageModel } from '../../main/models/masked-lm';
import { exportMaskedLanguageModel } from '../../main/pretrained/export';
import { loadPretrainedClassifier } from '../../main/pretrained/load';
import { loadTokenizer, type PretrainedTokenizer } from '../../main/pretrained/tokenizer';
import { maskedLmLoss } from '../../main/training/mlm-loss';
import { IGNORE_LABEL } from '../../main/training/mlm-masking';
import { buildCorpus, disposeBatch, maskedBatch, maskRandom, type PretrainCorpus } from '../../main/training/pretrain-data';
import { torchPython, torchSkipNote } from '../helpers/torch-python';

const FIXTURE = 'test/fixtures/pretrained/bert';
const dir = mkdtempSync(join(tmpdir(), 'comparo-mlm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const reviews = Papa.parse<{ text: string }>(readFileSync('assets/datasets/imdb-reviews-2k.csv', 'utf8'), { header: true, skipEmptyLines: true }).data.map((row) => row.text);

let tokenizer: PretrainedTokenizer;
let corpus: PretrainCorpus;
beforeAll(async () => {
  await selectBackend('auto');
  tokenizer = await loadTokenizer(FIXTURE);
  corpus = buildCorpus(reviews.slice(0, 200), tokenizer, { sequenceLength: 24, validationShare: 0.1, seed: 3 });
});

function freshModel(seed: number): MaskedLanguageModel {
  const loaded = loadPretrainedClassifier(FIXTURE, { outputs: 2, seed, sepId: tokenizer.sepId });
  return new MaskedLanguageModel(loaded.model, loaded.checkpoint.tensors, seed);
}

describe('masked-language-model head', () => {
  it('the loss over every position with ignored labels is the loss at the predicted positions alone', () => {
    const model = freshModel(5);
    const batch = maskedBatch(corpus.train.slice(0, 6), tokenizer, { probability: 0.15, wholeWord: false }, maskRandom(3, 'train', 0));
    const [rows, length] = batch.ids.shape;
    const every = Int32Array.from({ length: rows * length }, (_, i) => i);
    const labels = Array.from({ length: rows }, () => new Array<number>(length).fill(IGNORE_LABEL));
    batch.positions.forEach((p, i) => (labels[Math.floor(p / length)][p % length] = batch.targets[i]));
    const [full, picked] = tf.tidy(() => {
      const all = model.logitsAt({ ...batch, positions: every }, 0, false);
      const fullLoss = maskedLmLoss(tf.reshape(all, [rows, length, all.shape[1]]) as tf.Tensor3D, labels).batch;
      const at = model.logitsAt(batch, 0, false);
      const pickedLoss = maskedLmLoss(tf.reshape(at, [1, at.shape[0], at.shape[1]]) as tf.Tensor3D, [Array.from(batch.targets)]).batch;
      return [fullLoss.dataSync()[0], pickedLoss.dataSync()[0]];
    });
    expect(batch.positions.length).toBeGreaterThan(5);
    expect(Math.abs(full - picked)).toBeLessThan(1e-5);
    // Changing what an unpredicted position is labelled with cannot move a loss that ignores it.
    expect(full).toBeGreaterThan(Math.log(tokenizer.vocabSize) - 1);
    disposeBatch(batch);
    model.dispose();
  });

  const python = torchPython();
  if (python === null) console.log('live PyTorch MLM reference skipped: python3 cannot import torch (apt-get install python3-torch)');
  it.skipIf(python === null)(`gives the logits and loss of a plain-PyTorch BertForMaskedLM on masked real text${torchSkipNote(python)}`, () => {
    const model = freshModel(11);
    const folder = join(dir, 'mlm');
    exportMaskedLanguageModel({ config: model.config, tensors: model.checkpointTensors(), tokenizerFiles: tokenizer.files, report: {} }, MASKED_LM_ARCHITECTURE, folder);
    const batch = maskedBatch(corpus.train.slice(0, 4), tokenizer, { probability: 0.15, wholeWord: true }, maskRandom(3, 'train', 1));
    const [rows, length] = batch.ids.shape;
    const labels = Array.from({ length: rows }, () => new Array<number>(length).fill(IGNORE_LABEL));
    batch.positions.forEach((p, i) => (labels[Math.floor(p / length)][p % length] = batch.targets[i]));
    const ids = batch.ids.arraySync();
    const mask = batch.mask.arraySync();
    writeFileSync(join(dir, 'batch.json'), JSON.stringify({ input_ids: ids, attention_mask: mask, labels }));
    const reference = JSON.parse(execFileSync(python!, ['test/reference/mlm_reference.py', folder, join(dir, 'batch.json')], { encoding: 'utf8' })) as { logits: number[][]; loss: number };
    const logits = tf.tidy(() => model.logitsAt(batch, 0, false).arraySync());
    const loss = tf.tidy(() => maskedLmLoss(tf.reshape(tf.tensor2d(logits), [1, logits.length, logits[0].length]) as tf.Tensor3D, [Array.from(batch.targets)]).batch.dataSync()[0]);
    expect(logits.length).toBe(reference.logits.length);
    let worst = 0;
    logits.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - reference.logits[i][j])))));
    expect(worst).toBeLessThan(1e-4);
    expect(Math.abs(loss - reference.loss)).toBeLessThan(1e-5);
    disposeBatch(batch);
    model.dispose();
  });
});

describe('masked batches of real text', () => {
  it('choose ~15% of the ordinary tokens, never a special one; 80% [MASK], 10% random, 10% unchanged', () => {
    let ordinary = 0;
    let chosen = 0;
    let masked = 0;
    let unchanged = 0;
    for (let step = 0; step < 40; step++) {
      const blocks = corpus.train.slice((step * 16) % (corpus.train.length - 16), ((step * 16) % (corpus.train.length - 16)) + 16);
      const batch = maskedBatch(blocks, tokenizer, { probability: 0.15, wholeWord: false }, maskRandom(3, 'train', step));
      const ids = batch.ids.dataSync();
      const length = batch.ids.shape[1];
      blocks.forEach((block) => (ordinary += block.ids.filter((id) => !tokenizer.specialIds.has(id)).length));
      batch.positions.forEach((p, i) => {
        const original = blocks[Math.floor(p / length)].ids[p % length];
        expect(tokenizer.specialIds.has(original)).toBe(false);
        expect(batch.targets[i]).toBe(original);
        chosen++;
        if (ids[p] === tokenizer.maskId) masked++;
        else if (ids[p] === original) unchanged++;
      });
      disposeBatch(batch);
    }
    expect(chosen / ordinary).toBeGreaterThan(0.14);
    expect(chosen / ordinary).toBeLessThan(0.16);
    expect(masked / chosen).toBeGreaterThan(0.77);
    expect(masked / chosen).toBeLessThan(0.83);
    // Unchanged: the 10% kept, plus random draws that hit the original (1 in 144 here).
    expect(unchanged / chosen).toBeGreaterThan(0.08);
    expect(unchanged / chosen).toBeLessThan(0.12);
  });

  it('hold out blocks that training never sees, the same ones for the same seed', () => {
    const again = buildCorpus(reviews.slice(0, 200), tokenizer, { sequenceLength: 24, validationShare: 0.1, seed: 3 });
    expect(again.validation).toEqual(corpus.validation);
    const train = new Set(corpus.train.map((b) => b.ids.join(',')));
    expect(corpus.validation.length).toBeGreaterThan(10);
    expect(corpus.validation.filter((b) => train.has(b.ids.join(','))).length).toBeLessThan(corpus.validation.length / 10);
    for (const block of [...corpus.train, ...corpus.validation]) {
      expect(block.ids).toHaveLength(24);
      expect(block.ids[0]).toBe(tokenizer.clsId);
      expect(block.ids[23]).toBe(tokenizer.sepId);
    }
  });
});
