// Pretrained encoders: the safetensors reader/writer, config and weight-name checks with their
// error messages, fresh heads, DistilBERT's own names, export and reload, CmpDrop on the encoder
// (where each family's sites are), and the fixtures.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { gelu } from '../../main/models/pretrained-classifier';
import { DropoutSites, siteRate } from '../../main/models/nested-dropout';
import { exportedConfig, exportHuggingFace, exportTfjs } from '../../main/pretrained/export';
import { parseHfConfig } from '../../main/pretrained/hf-config';
import { loadPretrainedClassifier, readPretrainedFolder } from '../../main/pretrained/load';
import { parseSafetensors, readSafetensors, serializeSafetensors } from '../../main/pretrained/safetensors';
import { encodePretrainedSegmented } from '../../main/training/segmented-encoding';
import { loadTokenizer } from '../../main/pretrained/tokenizer';
import { resolveWeights } from '../../main/pretrained/weight-names';
import { selectBackend } from '../../main/kernels/backends';
import { cropIds, randomCrops } from '../../main/training/crops';
import { stepGradients } from '../../main/training/training-step';
import { mulberry32 } from '../../shared/random';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';
import { fixtureFiles, FIXTURES } from '../../scripts/generate-pretrained-fixtures';
import { tempDir } from '../helpers/temp-dir';

const ROOT = fileURLToPath(new URL('../fixtures/pretrained', import.meta.url));
const folder = (family: string) => join(ROOT, family);
const temp = tempDir('comparo-pretrained-');
afterAll(() => temp.cleanup());
beforeAll(async () => {
  await selectBackend('cpu');
});

function header(json: object): Buffer {
  const text = Buffer.from(JSON.stringify(json));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([length, text]);
}

describe('safetensors', () => {
  it('reads F16 and BF16 as float32 and writes F32 that reads back identically', () => {
    // 1.5 and -2 in half precision (0x3e00, 0xc000); 1.5 and -2 in bfloat16 (0x3fc0, 0xc000).
    const data = Buffer.from([0x00, 0x3e, 0x00, 0xc0, 0xc0, 0x3f, 0x00, 0xc0]);
    const file = Buffer.concat([header({ half: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, brain: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] }, __metadata__: { format: 'pt' } }), data]);
    const tensors = parseSafetensors(file, 'x.safetensors');
    expect(Array.from(tensors.get('half')!.data)).toEqual([1.5, -2]);
    expect(Array.from(tensors.get('brain')!.data)).toEqual([1.5, -2]);
    const written = serializeSafetensors(tensors, { format: 'pt' });
    expect(Number(written.readBigUInt64LE(0)) % 8).toBe(0);
    const again = parseSafetensors(written, 'y.safetensors');
    expect(again.get('half')).toEqual(tensors.get('half'));
    expect(again.get('brain')!.shape).toEqual([2]);
  });

  it('names the file and tensor on bad input', () => {
    expect(() => parseSafetensors(Buffer.alloc(4), 'tiny.safetensors')).toThrow(/tiny\.safetensors: not a safetensors file/);
    const bad = Buffer.concat([header({ w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }), Buffer.alloc(8)]);
    expect(() => parseSafetensors(bad, 'int.safetensors')).toThrow(/int\.safetensors: tensor w has dtype I64/);
    const short = Buffer.concat([header({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }), Buffer.alloc(8)]);
    expect(() => parseSafetensors(short, 'cut.safetensors')).toThrow(/cut\.safetensors: tensor w .* bad data offsets/);
  });
});

describe('loading a folder', () => {
  it('says .bin pickles are not read and how to convert them', () => {
    const dir = join(temp.path, 'pickle-only');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), readFileSync(join(folder('bert'), 'config.json')));
    writeFileSync(join(dir, 'pytorch_model.bin'), 'not read');
    expect(() => readPretrainedFolder(dir)).toThrow(/only pytorch_model\.bin is present.*pickles.*save_pretrained\(folder, safe_serialization=True\)/);
  });

  it('rejects an unsupported config naming the file and the field', () => {
    const config = JSON.parse(readFileSync(join(folder('bert'), 'config.json'), 'utf8'));
    expect(() => parseHfConfig({ ...config, model_type: 'gpt2' }, '/m/config.json')).toThrow(/\/m\/config\.json: .*model_type/);
    expect(() => parseHfConfig({ ...config, hidden_act: 'relu' }, '/m/config.json')).toThrow(/hidden_act/);
    expect(() => parseHfConfig({ ...config, num_attention_heads: 5 }, '/m/config.json')).toThrow(/not divisible/);
  });

  it('names a missing or mis-shaped tensor and the file', () => {
    const { config, tensors } = readPretrainedFolder(folder('bert'));
    const missing = new Map(tensors);
    missing.delete('bert.encoder.layer.1.output.dense.weight');
    expect(() => resolveWeights(missing, config, 2, 'm.safetensors')).toThrow(/m\.safetensors: tensor bert\.encoder\.layer\.1\.output\.dense\.weight is missing/);
    const wrong = new Map(tensors);
    wrong.set('bert.embeddings.LayerNorm.weight', { shape: [31], data: new Float32Array(31) });
    expect(() => resolveWeights(wrong, config, 2, 'm.safetensors')).toThrow(/bert\.embeddings\.LayerNorm\.weight has shape \[31\], config\.json implies \[32\]/);
  });

  it('reads checkpoints without the family prefix, ignores pre-training heads, and initialises a missing or resized head', () => {
    const { config, tensors } = readPretrainedFolder(folder('electra'));
    const bare = new Map([...tensors].filter(([n]) => !n.startsWith('classifier.')).map(([n, t]) => [n.replace(/^electra\./, ''), t]));
    const resolved = resolveWeights(bare, config, 2, 'bare');
    expect(resolved.missingHead.sort()).toEqual(['classifier.dense.bias', 'classifier.dense.weight', 'classifier.out_proj.bias', 'classifier.out_proj.weight']);
    const resized = resolveWeights(tensors, config, 5, 'five');
    expect(resized.missingHead).toEqual(expect.arrayContaining(['classifier.out_proj.weight', 'classifier.dense.weight']));
    const a = loadPretrainedClassifier(folder('bert'), { outputs: 4, seed: 7 });
    const b = loadPretrainedClassifier(folder('bert'), { outputs: 4, seed: 7 });
    expect(a.initialisedHead).toEqual(['classifier.weight', 'classifier.bias']);
    const head = (m: typeof a) => m.model.namedWeights().get('classifier.weight')!.data;
    expect(Array.from(head(a))).toEqual(Array.from(head(b)));
    const values = Array.from(head(a));
    const std = Math.sqrt(values.reduce((s, x) => s + x * x, 0) / values.length);
    expect(std).toBeGreaterThan(0.01);
    expect(std).toBeLessThan(0.03);
    expect(Array.from(a.model.namedWeights().get('classifier.bias')!.data).every((x) => x === 0)).toBe(true);
    a.model.dispose();
    b.model.dispose();
  });
});

describe('DistilBERT', () => {
  it('reads DistilBertConfig names as the shared ones and exports them as they were', () => {
    const json = JSON.parse(readFileSync(join(folder('distilbert'), 'config.json'), 'utf8'));
    const config = parseHfConfig(json, 'distilbert/config.json');
    expect(config).toMatchObject({ hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, hidden_dropout_prob: 0.1, classifier_dropout: 0.2, layer_norm_eps: 1e-12, type_vocab_size: 0 });
    const exported = exportedConfig({ config, weights: new Map(), labels: ['a', 'b'], task: 'classification', tokenizerFiles: [] });
    expect(exported).toMatchObject({ model_type: 'distilbert', dim: 32, n_layers: 2, n_heads: 4, hidden_dim: 64, seq_classif_dropout: 0.2, architectures: ['DistilBertForSequenceClassification'] });
    for (const shared of ['hidden_size', 'num_hidden_layers', 'layer_norm_eps', 'type_vocab_size', 'classifier_dropout']) expect(exported).not.toHaveProperty(shared);
    expect(parseHfConfig(exported, 'export')).toEqual({ ...config, ...exported });
    expect(() => parseHfConfig({ ...json, sinusoidal_pos_embds: true }, '/d/config.json')).toThrow(/\/d\/config\.json: .*DistilBERT.*sinusoidal_pos_embds/);
    expect(() => parseHfConfig({ ...json, activation: 'relu' }, '/d/config.json')).toThrow(/activation/);
    expect(() => parseHfConfig({ ...json, n_heads: 5 }, '/d/config.json')).toThrow(/not divisible/);
  });

  it('ignores the masked-LM head and replaces pre_classifier and classifier whole for another label count', () => {
    const { config, tensors } = readPretrainedFolder(folder('distilbert'));
    expect(tensors.has('vocab_projector.bias')).toBe(true);
    expect(resolveWeights(tensors, config, 2, 'two').missingHead).toEqual([]);
    const resized = resolveWeights(tensors, config, 5, 'five');
    expect(resized.missingHead.sort()).toEqual(['classifier.bias', 'classifier.weight', 'pre_classifier.bias', 'pre_classifier.weight']);
    expect([...resized.tensors.keys()].some((name) => name.startsWith('vocab_'))).toBe(false);
  });

  it('is inspected with its sizes under the shared names, usable', async () => {
    const { inspectModelFolder } = await import('../../main/pretrained/inspect');
    const info = await inspectModelFolder(folder('distilbert'), { source: folder('distilbert'), kind: 'folder', hubId: null });
    expect(info).toMatchObject({ family: 'distilbert', familyLabel: 'DistilBERT', layers: 2, hiddenSize: 32, heads: 4, tokenizer: 'wordpiece', weights: 'safetensors', usable: true, problems: [] });
  });

  it('predicts from its folder with the head it holds, under id2label', async () => {
    const { loadFolderPredictor } = await import('../../main/inference/folder-predictor');
    const predictor = await loadFolderPredictor(folder('distilbert'));
    try {
      expect(predictor).toMatchObject({ hasHead: true, task: 'classification', labelNames: ['negative', 'positive'] });
      const [prediction] = predictor.predict([{ text: 'the film was boring.' }]);
      expect(prediction.logits).toHaveLength(2);
      expect(['negative', 'positive']).toContain(prediction.label);
    } finally {
      predictor.dispose();
    }
  });
});

describe('export', () => {
  const ids = tf.tensor2d([[2, 85, 100, 93, 3, 0], [2, 91, 3, 119, 86, 3]], undefined, 'int32');
  const mask = tf.tensor2d([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]]);

  // A few tensors each export must hold under transformers' *ForSequenceClassification names.
  const exportedNames = {
    bert: ['bert.embeddings.word_embeddings.weight', 'bert.encoder.layer.1.output.LayerNorm.bias', 'bert.pooler.dense.weight', 'classifier.weight'],
    electra: ['electra.embeddings_project.weight', 'electra.encoder.layer.1.output.LayerNorm.bias', 'classifier.dense.weight', 'classifier.out_proj.weight'],
    roberta: ['roberta.embeddings.token_type_embeddings.weight', 'roberta.encoder.layer.1.output.LayerNorm.bias', 'classifier.out_proj.weight'],
    distilbert: ['distilbert.embeddings.word_embeddings.weight', 'distilbert.transformer.layer.1.output_layer_norm.bias', 'pre_classifier.weight', 'classifier.weight'],
  };

  it.each(['bert', 'electra', 'roberta', 'distilbert'] as const)('%s: load -> export (Hugging Face, TF.js) -> load gives identical tensors and logits', async (family) => {
    const tokenizer = await loadTokenizer(folder(family));
    const original = loadPretrainedClassifier(folder(family), { outputs: 3, seed: 1, sepId: tokenizer.sepId });
    const exportable = { config: original.checkpoint.config, weights: original.model.namedWeights(), labels: ['a', 'b', 'c'], task: 'classification' as const, tokenizerFiles: tokenizer.files };
    const hf = join(temp.path, `${family}-hf`);
    const tfjs = join(temp.path, `${family}-tfjs`);
    exportHuggingFace(exportable, hf);
    exportTfjs(exportable, tfjs);
    const config = JSON.parse(readFileSync(join(hf, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ architectures: [expect.stringMatching(/ForSequenceClassification$/)], id2label: { 0: 'a', 1: 'b', 2: 'c' }, label2id: { c: 2 }, problem_type: 'single_label_classification' });
    expect(readdirSync(hf)).toEqual(expect.arrayContaining(['model.safetensors', 'config.json', 'tokenizer_config.json']));
    const names = [...readSafetensors(join(hf, 'model.safetensors')).keys()];
    expect(names).toEqual(expect.arrayContaining(exportedNames[family]));
    expect(names.every((name) => name.startsWith(`${family}.`) || /^(classifier|pre_classifier)\./.test(name))).toBe(true);
    const before = original.model.logits(ids, mask, [0], 0).arraySync();
    for (const reloadFolder of [hf, tfjs]) {
      const reloaded = loadPretrainedClassifier(reloadFolder, { outputs: 3, seed: 99, sepId: tokenizer.sepId });
      expect(reloaded.initialisedHead).toEqual([]);
      expect([...reloaded.model.namedWeights()]).toEqual([...original.model.namedWeights()]);
      expect(reloaded.model.logits(ids, mask, [0], 0).arraySync()).toEqual(before);
      reloaded.model.dispose();
    }
    original.model.dispose();
  });
});

describe('CmpDrop on a pretrained encoder', () => {
  afterEach(async () => {
    await selectBackend('cpu');
  });

  it('keeps each site at the model probability for the run p and scales ablations as 1-(1-q)^k', () => {
    expect(siteRate(0.1, 0.2, 0.1)).toBeCloseTo(0.2, 12);
    expect(siteRate(1 - 0.9 ** 3, 0.2, 0.1)).toBeCloseTo(1 - 0.8 ** 3, 12);
    expect(siteRate(0, 0.2, 0.1)).toBe(0);
    expect(siteRate(0.3, 0, 0.1)).toBe(0);
  });

  it('puts the dropout sites where each original has them, at its probabilities', () => {
    // Per 2-layer fixture, in forward order: embeddings, per block attention probabilities,
    // attention output (not DistilBERT), FFN output, then the head's (classifier_dropout or hidden).
    const expected = {
      bert: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
      electra: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.2],
      roberta: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
      distilbert: [0.1, 0.1, 0.1, 0.1, 0.1, 0.2],
    };
    const ids = tf.tensor2d([[2, 85, 100, 3]], undefined, 'int32');
    const mask = tf.ones([1, 4]) as tf.Tensor2D;
    const apply = vi.spyOn(DropoutSites.prototype, 'apply');
    try {
      for (const [family, probabilities] of Object.entries(expected)) {
        const { model } = loadPretrainedClassifier(folder(family), { outputs: 2, seed: 1 });
        apply.mockClear();
        tf.dispose(model.logits(ids, mask, [0, 0.1], 3));
        expect(apply.mock.calls.map((call) => call[1]), family).toEqual(probabilities);
        model.dispose();
      }
    } finally {
      apply.mockRestore();
      tf.dispose([ids, mask]);
    }
  });

  it.each(['cpu', 'wasm'] as const)('erf GELU gradient matches finite differences on %s', async (backend) => {
    await selectBackend(backend);
    const xs = [-3, -1.2, -0.3, 0, 0.4, 1.1, 2.5];
    const grad = tf.grad((x: tf.Tensor) => tf.sum(gelu(x)))(tf.tensor1d(xs)).arraySync() as number[];
    const exact = (x: number) => {
      const h = 1e-3;
      const f = (v: number) => tf.tidy(() => gelu(tf.scalar(v)).dataSync()[0]);
      return (f(x + h) - f(x - h)) / (2 * h);
    };
    xs.forEach((x, i) => expect(grad[i]).toBeCloseTo(exact(x), 2));
    expect(gelu(tf.tensor1d([1])).dataSync()[0]).toBeCloseTo(0.8413447, 5);
  });

  it('batched and sequential copies give the same loss and gradients (same nested masks)', async () => {
    await selectBackend('wasm');
    const { model } = loadPretrainedClassifier(folder('roberta'), { outputs: 3, seed: 1, sepId: 2 });
    const input = { inputs: [[[0, 264, 269, 276, 283, 2], [0, 322, 2]]], labels: [2, 0] };
    const settings = { ...DEFAULT_RUN_CONFIG, loss: 'comparative' as const, ablations: 2, dropout: 0.1 };
    const batched = stepGradients(model, input, settings, 'classification', 42, true);
    const sequential = stepGradients(model, input, settings, 'classification', 42, false);
    expect(batched.outcome.copyLosses).toHaveLength(3);
    batched.outcome.copyLosses.forEach((l, k) => expect(l).toBeCloseTo(sequential.outcome.copyLosses[k], 5));
    const a = batched.grads.map((g) => Array.from(g.dataSync()));
    const b = sequential.grads.map((g) => Array.from(g.dataSync()));
    a.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(b[i][j], 4)));
    expect(batched.outcome.copyLosses[1]).not.toBeCloseTo(batched.outcome.copyLosses[0], 6);
    tf.dispose([...batched.grads, ...sequential.grads]);
    model.dispose();
  });
});

describe('segmented encoding for CmpCrop', () => {
  it('keeps [CLS] ... [SEP] around every crop and the pair text whole', async () => {
    const tokenizer = await loadTokenizer(folder('bert'));
    const text = 'The movie was great. I liked it. The plot was boring!';
    const input = encodePretrainedSegmented(tokenizer, text, undefined, 64);
    expect(input.ids).toEqual(tokenizer.encode(text).ids);
    expect(input.segments).toHaveLength(3);
    for (const kept of randomCrops(input, 2, mulberry32(3))) {
      const crop = cropIds(input, kept);
      expect(crop[0]).toBe(tokenizer.clsId);
      expect(crop.at(-1)).toBe(tokenizer.sepId);
      expect(crop.length).toBeLessThan(input.ids.length);
    }
    const pair = encodePretrainedSegmented(tokenizer, text, 'what a bad film', 64);
    expect(pair.ids).toEqual(tokenizer.encode(text, 'what a bad film').ids);
    expect(pair.required).toEqual([3]);
    expect(encodePretrainedSegmented(tokenizer, text, 'what a bad film', 8).ids).toEqual(tokenizer.encode(text, 'what a bad film', { maxLength: 8 }).ids);
  });
});

describe('fixtures', () => {
  it('the generator reproduces the committed fixtures byte for byte', () => {
    for (const spec of FIXTURES) {
      for (const [name, bytes] of Object.entries(fixtureFiles(spec))) {
        expect(Buffer.compare(bytes, readFileSync(join(folder(spec.name), name))), `${spec.name}/${name}`).toBe(0);
      }
    }
  });
});

describe('exporting a run', () => {
  it('refuses a Hugging Face folder of a built-in run and writes its TF.js export', async () => {
    const { exportRunModel } = await import('../../main/services/export-run');
    const { writeCheckpoint } = await import('../../main/training/checkpoint');
    const checkpointPath = join(temp.path, 'builtin', 'best.ckpt');
    const weights = [new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6])];
    const header = {
      runId: 'r-1', step: 1, epoch: 0, stepInEpoch: 1, optimizerStep: 1, vocabulary: ['[PAD]', '[UNK]', 'good'], bestScore: null, bestStep: null,
      bestMetrics: null, bestPath: null, evalsWithoutImprovement: 0, lastMetrics: null, trainingMs: 1, shapes: [[2, 2], [2], [2, 2], [2], [2, 2], [2]],
    };
    writeCheckpoint(checkpointPath, { header, weights, firstMoments: weights, secondMoments: weights });
    const run = { runId: 'r-1', checkpointPath, config: DEFAULT_RUN_CONFIG, task: 'classification' as const, labelNames: ['neg', 'pos'] };
    await expect(exportRunModel(run, 'huggingface', join(temp.path, 'builtin-hf'))).rejects.toThrow(/built-in model.*--format tfjs/);
    const out = join(temp.path, 'builtin-tfjs');
    await exportRunModel(run, 'tfjs', out);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(model.comparo).toMatchObject({ kind: 'builtin', vocabulary: ['[PAD]', '[UNK]', 'good'], labels: ['neg', 'pos'] });
    expect(model.weightsManifest[0].weights.map((w: { shape: number[] }) => w.shape)).toEqual([[2, 2], [2]]);
    // tf.io reads the weights as they are.
    const decoded = tf.io.decodeWeights(new Uint8Array(readFileSync(join(out, 'weights.bin'))).buffer, model.weightsManifest[0].weights);
    expect(Array.from(decoded['builtin.001'].dataSync())).toEqual([5, 6]);
    expect(() => readPretrainedFolder(out)).toThrow(/built-in Comparo model/);
    await expect(exportRunModel(run, 'tfjs', temp.path)).rejects.toThrow(/already holds other files/);
  });
});

describe('the engine with pretrained folders', () => {
  it('fine-tunes RoBERTa for regression, ELECTRA for multi-label and DistilBERT for classification, maxLength capped by the position table', async () => {
    const { runTraining, TrainingControl } = await import('../../main/training/engine');
    await selectBackend('wasm');
    const texts = Array.from({ length: 24 }, (_, i) => `the movie was ${i % 2 ? 'great' : 'bad'}. the plot was ${i % 3 ? 'good' : 'not good'}.`);
    texts[0] = 'the movie was really great. '.repeat(30); // ~180 tokens
    const run = async (family: string, task: 'regression' | 'multilabel' | 'classification', labelNames: string[]) => {
      const messages: { type: string; metrics?: Record<string, number> }[] = [];
      const labels = texts.map((_, i) => (task === 'regression' ? (i % 2) + 0.1 * (i % 3) : task === 'classification' ? i % 2 : 0));
      const labelSets = texts.map((_, i) => (i % 3 ? [i % 2] : [i % 2, 2]));
      const split = { texts, labels, ...(task === 'multilabel' ? { labelSets } : {}) };
      await runTraining(
        {
          type: 'start', runId: 'r', task, labelNames, train: split, validation: split, progressIntervalMs: 0,
          // 500 > the fixtures' 64 positions: must be capped, not fail.
          config: { ...DEFAULT_RUN_CONFIG, loss: 'comparative', epochs: 1, batchSize: 8, maxLength: 500, utilityLevels: 1, utilityDraws: 1, selectionMetric: 'loss', model: { ...DEFAULT_RUN_CONFIG.model, pretrained: folder(family) } },
        },
        { control: new TrainingControl(), emit: (m) => messages.push(m) },
      );
      const done = messages.find((m) => m.type === 'done');
      expect(done, JSON.stringify(messages.find((m) => m.type === 'error'))).toBeDefined();
      return done!.metrics!;
    };
    expect(Object.keys(await run('roberta', 'regression', ['score']))).toEqual(expect.arrayContaining(['pearson', 'mse']));
    expect(Object.keys(await run('electra', 'multilabel', ['neg', 'pos', 'plot']))).toEqual(expect.arrayContaining(['micro_f1', 'macro_f1']));
    expect(Object.keys(await run('distilbert', 'classification', ['bad', 'great']))).toEqual(expect.arrayContaining(['accuracy']));
  });
});
