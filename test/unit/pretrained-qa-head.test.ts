// The question-answering head of every pretrained family (transformers' *ForQuestionAnswering:
// qa_outputs, one linear layer over every token's final hidden state, DistilBERT's after
// dropout(qa_dropout)): its [rows, 2T] outputs against the hidden states by hand, a folder that
// already has qa_outputs loading them, export -> reload, a run's checkpoint rebuilt and exported.
import * as tf from '@tensorflow/tfjs';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DropoutSites } from '../../main/models/nested-dropout';
import type { PretrainedEncoderClassifier } from '../../main/models/pretrained-classifier';
import { exportedConfig, exportHuggingFace, exportTfjs } from '../../main/pretrained/export';
import { loadPretrainedClassifier, readPretrainedFolder } from '../../main/pretrained/load';
import { readSafetensors, type TensorMap, writeSafetensors } from '../../main/pretrained/safetensors';
import { loadTokenizer, type PretrainedTokenizer } from '../../main/pretrained/tokenizer';
import { selectBackend } from '../../main/kernels/backends';
import { exportRunModel } from '../../main/services/export-run';
import { padRows } from '../../main/training/batching';
import { type Checkpoint, writeCheckpoint } from '../../main/training/checkpoint';
import { checkpointTensors, pretrainedRunModel } from '../../main/training/run-checkpoint';
import { mixSeed, normalArray } from '../../shared/random';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';
import { tempDir } from '../helpers/temp-dir';

const ROOT = fileURLToPath(new URL('../fixtures/pretrained', import.meta.url));
const FAMILIES = ['bert', 'electra', 'roberta', 'distilbert'] as const;
type Family = (typeof FAMILIES)[number];
const ARCHITECTURES: Record<Family, string> = {
  bert: 'BertForQuestionAnswering',
  electra: 'ElectraForQuestionAnswering',
  roberta: 'RobertaForQuestionAnswering',
  distilbert: 'DistilBertForQuestionAnswering',
};
const QA_NAMES = ['qa_outputs.weight', 'qa_outputs.bias'];

const temp = tempDir('comparo-qa-head-');
afterAll(() => temp.cleanup());
beforeAll(async () => {
  await selectBackend('cpu');
});

/** A question + context pair and a shorter one, padded: padding must not disturb the real tokens' logits. */
function inputs(tokenizer: PretrainedTokenizer): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const rows = [tokenizer.encode('who liked the film?', 'the film was great. i liked it.').ids, tokenizer.encode('was it boring?', 'the plot was boring!').ids];
  return padRows(rows, Math.max(...rows.map((r) => r.length)));
}

/** qa_outputs over the final hidden states, written out: out[r][c * T + t] = sum_h hidden[r][t][h] W[c][h] + b[c]. */
function byHand(model: PretrainedEncoderClassifier, ids: tf.Tensor2D, mask: tf.Tensor2D): number[][] {
  const hiddenTensor = model.lastHiddenState(ids, mask);
  const hidden = hiddenTensor.arraySync();
  hiddenTensor.dispose();
  const weights = model.namedWeights();
  const w = weights.get('qa_outputs.weight')!;
  const b = weights.get('qa_outputs.bias')!.data;
  const [outputs, width] = w.shape;
  return hidden.map((tokens) => {
    const row = new Array<number>(outputs * tokens.length);
    for (let c = 0; c < outputs; c++) {
      tokens.forEach((h, t) => {
        let sum = b[c];
        for (let k = 0; k < width; k++) sum += h[k] * w.data[c * width + k];
        row[c * tokens.length + t] = sum;
      });
    }
    return row;
  });
}

function expectClose(actual: number[][], expected: number[][], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) => {
    expect(row.length).toBe(expected[r].length);
    row.forEach((value, i) => expect(Math.abs(value - expected[r][i]), `row ${r} output ${i}`).toBeLessThan(tolerance));
  });
}

/**
 * An HF *ForQuestionAnswering folder made from a fixture: its encoder under the family prefix,
 * qa_outputs at the top level (random, nonzero bias), no classifier, config.json naming the class.
 */
let folders = 0;
function questionAnsweringFolder(family: Family, configChanges: Record<string, unknown> = {}): { folder: string; qa: TensorMap } {
  const folder = join(temp.path, `${family}-squad-${folders++}`);
  cpSync(join(ROOT, family), folder, { recursive: true });
  const { config, tensors } = readPretrainedFolder(folder);
  const qa: TensorMap = new Map([
    ['qa_outputs.weight', { shape: [2, config.hidden_size], data: normalArray(2 * config.hidden_size, 0.3, mixSeed(11, 1)) }],
    ['qa_outputs.bias', { shape: [2], data: new Float32Array([0.25, -0.5]) }],
  ]);
  const encoder = [...tensors].filter(([name]) => name.startsWith(`${family}.`) && !name.startsWith('bert.pooler.'));
  writeSafetensors(join(folder, 'model.safetensors'), new Map([...encoder, ...qa].sort(([a], [b]) => (a < b ? -1 : 1))), { format: 'pt' });
  const json = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
  for (const key of ['id2label', 'label2id', 'problem_type']) delete json[key];
  writeFileSync(join(folder, 'config.json'), JSON.stringify({ ...json, architectures: [ARCHITECTURES[family]], ...configChanges }, null, 2));
  return { folder, qa };
}

describe.each(FAMILIES)('%s question answering head', (family) => {
  it('gives [rows, 2T] start-then-end logits: qa_outputs over every final hidden state, fresh N(0, initializer_range) and zero bias', async () => {
    const tokenizer = await loadTokenizer(join(ROOT, family));
    const { ids, mask } = inputs(tokenizer);
    const { model, initialisedHead, checkpoint } = loadPretrainedClassifier(join(ROOT, family), { outputs: 2, reads: 'tokens', seed: 3, sepId: tokenizer.sepId });
    try {
      // The fixture holds a classifier, not qa_outputs: the QA head starts fresh, as HF initialises it.
      expect(initialisedHead).toEqual(QA_NAMES);
      const names = [...model.namedWeights().keys()];
      expect(names.filter((name) => /^(classifier|pre_classifier|pooler|qa_outputs)\./.test(name))).toEqual(QA_NAMES);
      const weight = Array.from(model.namedWeights().get('qa_outputs.weight')!.data);
      const std = Math.sqrt(weight.reduce((s, x) => s + x * x, 0) / weight.length);
      expect(std).toBeGreaterThan(checkpoint.config.initializer_range / 2);
      expect(std).toBeLessThan(checkpoint.config.initializer_range * 2);
      expect(Array.from(model.namedWeights().get('qa_outputs.bias')!.data)).toEqual([0, 0]);
      const logits = model.logits(ids, mask, [0], 0);
      expect(logits.shape).toEqual([2, 2 * ids.shape[1]]);
      expectClose(logits.arraySync(), byHand(model, ids, mask), 1e-5);
      logits.dispose();
    } finally {
      model.dispose();
      tf.dispose([ids, mask]);
    }
  });

  it('loads the qa_outputs an HF *ForQuestionAnswering folder holds, and exports and reloads them identically', async () => {
    const { folder, qa } = questionAnsweringFolder(family);
    const tokenizer = await loadTokenizer(folder);
    const { ids, mask } = inputs(tokenizer);
    const loaded = loadPretrainedClassifier(folder, { outputs: 2, reads: 'tokens', seed: 3, sepId: tokenizer.sepId });
    const reloaded: PretrainedEncoderClassifier[] = [];
    try {
      expect(loaded.initialisedHead).toEqual([]);
      for (const name of QA_NAMES) expect(loaded.model.namedWeights().get(name)).toEqual(qa.get(name));
      const before = loaded.model.logits(ids, mask, [0], 0).arraySync();
      expectClose(before, byHand(loaded.model, ids, mask), 1e-5);

      const exportable = { config: loaded.checkpoint.config, weights: loaded.model.namedWeights(), labels: [], task: 'qa' as const, reads: 'tokens' as const, tokenizerFiles: tokenizer.files };
      const hf = join(temp.path, `${family}-qa-hf`);
      const tfjs = join(temp.path, `${family}-qa-tfjs`);
      exportHuggingFace(exportable, hf);
      exportTfjs(exportable, tfjs);
      const config = JSON.parse(readFileSync(join(hf, 'config.json'), 'utf8'));
      // num_labels (from id2label) is the row count transformers builds qa_outputs with: two.
      expect(config).toMatchObject({ model_type: family, architectures: [ARCHITECTURES[family]], id2label: { 0: 'LABEL_0', 1: 'LABEL_1' } });
      expect(config).not.toHaveProperty('problem_type');
      const names = [...readSafetensors(join(hf, 'model.safetensors')).keys()];
      expect(names).toEqual(expect.arrayContaining(QA_NAMES));
      expect(names.every((name) => name.startsWith(`${family}.`) || QA_NAMES.includes(name))).toBe(true);
      expect(names.some((name) => /pooler|classifier/.test(name))).toBe(false);
      for (const again of [hf, tfjs]) {
        const { model, initialisedHead } = loadPretrainedClassifier(again, { outputs: 2, reads: 'tokens', seed: 99, sepId: tokenizer.sepId });
        reloaded.push(model);
        expect(initialisedHead).toEqual([]);
        expect([...model.namedWeights()]).toEqual([...loaded.model.namedWeights()]);
        expect(model.logits(ids, mask, [0], 0).arraySync()).toEqual(before);
      }
    } finally {
      loaded.model.dispose();
      reloaded.forEach((m) => m.dispose());
      tf.dispose([ids, mask]);
    }
  });
});

describe('question answering head dropout', () => {
  it('is DistilBERT only: dropout(qa_dropout) on every token before qa_outputs; BERT, ELECTRA, RoBERTa have none', () => {
    // The encoder's sites, in forward order, as test/unit/pretrained.test.ts lists them; then the head's.
    const encoderSites = { bert: 7, electra: 7, roberta: 7, distilbert: 5 };
    const ids = tf.tensor2d([[2, 85, 100, 3]], undefined, 'int32');
    const mask = tf.ones([1, 4]) as tf.Tensor2D;
    const apply = vi.spyOn(DropoutSites.prototype, 'apply');
    try {
      for (const family of FAMILIES) {
        const folder = family === 'distilbert' ? questionAnsweringFolder('distilbert', { qa_dropout: 0.3 }).folder : join(ROOT, family);
        const { model } = loadPretrainedClassifier(folder, { outputs: 2, reads: 'tokens', seed: 1 });
        apply.mockClear();
        const logits = model.logits(ids, mask, [0, 0.1], 3);
        const calls = apply.mock.calls;
        if (family === 'distilbert') {
          expect(calls.map((call) => call[1])).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.3]);
          // Every token of both copies, not the first token only.
          expect(calls.at(-1)![0].shape).toEqual([2 * 4, 32]);
        } else {
          expect(calls.map((call) => call[1]), family).toEqual(new Array(encoderSites[family]).fill(0.1));
        }
        // The ablated copy's dropout reaches its logits.
        const [full, ablated] = tf.split(logits, 2).map((t) => t.arraySync());
        expect(ablated).not.toEqual(full);
        tf.dispose(logits);
        model.dispose();
      }
    } finally {
      apply.mockRestore();
      tf.dispose([ids, mask]);
    }
  });
});

describe("a question answering run's checkpoint", () => {
  it('is rebuilt with qa_outputs and exports as *ForQuestionAnswering with the same outputs', async () => {
    const source = join(ROOT, 'roberta');
    const tokenizer = await loadTokenizer(source);
    const { ids, mask } = inputs(tokenizer);
    const { model } = loadPretrainedClassifier(source, { outputs: 2, reads: 'tokens', seed: 5, sepId: tokenizer.sepId });
    const weights = model.variables.map((v) => new Float32Array(v.dataSync() as Float32Array));
    const header = {
      runId: 'r-qa',
      step: 1,
      epoch: 0,
      stepInEpoch: 1,
      optimizerStep: 1,
      vocabulary: [],
      pretrained: source,
      bestScore: null,
      bestStep: null,
      bestMetrics: null,
      bestPath: null,
      evalsWithoutImprovement: 0,
      lastMetrics: null,
      trainingMs: 0,
      // Weights, then AdamW's two moments (zeros: rebuilding and exporting read the weights only).
      shapes: [0, 1, 2].flatMap(() => model.variables.map((v) => [...v.shape])),
    };
    const zeros = () => weights.map((w) => new Float32Array(w.length));
    const checkpoint: Checkpoint = { header, weights, firstMoments: zeros(), secondMoments: zeros() };
    const checkpointPath = join(temp.path, 'r-qa', 'best.ckpt');
    writeCheckpoint(checkpointPath, checkpoint);
    const rebuilt = await pretrainedRunModel(checkpoint, 2, 64, 'tokens');
    let exported: PretrainedEncoderClassifier | null = null;
    try {
      const before = model.logits(ids, mask, [0], 0).arraySync();
      expect(rebuilt.model.logits(ids, mask, [0], 0).arraySync()).toEqual(before);
      expect([...checkpointTensors(checkpoint, 2, 'tokens').weights.keys()].slice(-2)).toEqual(QA_NAMES);
      // Read as a sequence head, the same arrays would not fit: the head is what the task says.
      expect(() => checkpointTensors(checkpoint, 2)).toThrow(/holds \d+ tensors but .* describes \d+/);

      const folder = join(temp.path, 'r-qa-export');
      const result = await exportRunModel({ runId: 'r-qa', checkpointPath, config: DEFAULT_RUN_CONFIG, task: 'qa', labelNames: [] }, 'huggingface', folder);
      expect(result.files).toEqual(expect.arrayContaining(['config.json', 'model.safetensors']));
      expect(readdirSync(folder)).toEqual(expect.arrayContaining(['config.json', 'model.safetensors', 'vocab.json', 'merges.txt']));
      const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
      expect(config.architectures).toEqual(['RobertaForQuestionAnswering']);
      expect(config).not.toHaveProperty('problem_type');
      exported = loadPretrainedClassifier(folder, { outputs: 2, reads: 'tokens', seed: 9, sepId: tokenizer.sepId }).model;
      expect(exported.logits(ids, mask, [0], 0).arraySync()).toEqual(before);
    } finally {
      model.dispose();
      rebuilt.model.dispose();
      exported?.dispose();
      tf.dispose([ids, mask]);
    }
  });

  it('refuses to export weights without the head config.json would name', async () => {
    const { model, checkpoint } = loadPretrainedClassifier(join(ROOT, 'bert'), { outputs: 2, seed: 1 });
    const exportable = { config: checkpoint.config, weights: model.namedWeights(), labels: [], task: 'qa' as const, reads: 'tokens' as const, tokenizerFiles: [] };
    model.dispose();
    expect(exportedConfig(exportable).architectures).toEqual(['BertForQuestionAnswering']);
    expect(() => exportHuggingFace(exportable, join(temp.path, 'mismatched'))).toThrow(/no qa_outputs\.weight, the output layer of the BertForQuestionAnswering head/);
  });
});
