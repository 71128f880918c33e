// Our BERT / ELECTRA / RoBERTa / DistilBERT forward pass against logits computed independently in PyTorch from
// the published architecture (test/reference/hf_reference.py, outputs committed as
// test/fixtures/pretrained/reference.json), on the cpu and wasm backends, and on wasm+openblas
// (the fused native LayerNorm / softmax / GELU of fused-kernels.ts) where the addon is built.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPretrainedClassifier } from '../../main/pretrained/load';
import { selectBackend } from '../../main/kernels/backends';
import { fusedKernelsActive } from '../../main/kernels/fused-kernels';
import { loadOpenBlas } from '../../main/kernels/openblas-kernels';
import { loadTokenizer } from '../../main/pretrained/tokenizer';
import { torchPython, torchSkipNote } from '../helpers/torch-python';

const FIXTURES = fileURLToPath(new URL('../fixtures/pretrained', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../reference/hf_reference.py', import.meta.url));

interface FamilyReference {
  input_ids: number[][];
  token_type_ids: number[][];
  attention_mask: number[][];
  logits: number[][];
  last_hidden_state: number[][][];
}
const FAMILIES = ['bert', 'electra', 'roberta', 'distilbert'] as const;
type Reference = Record<(typeof FAMILIES)[number], FamilyReference>;

const committed = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as Reference;
const SEP_IDS = { bert: 3, electra: 3, roberta: 2, distilbert: 3 } as const;

function maxDifference(a: number[] | number[][] | number[][][], b: typeof a): number {
  const flatA = (a as unknown[]).flat(3) as number[];
  const flatB = (b as unknown[]).flat(3) as number[];
  expect(flatA.length).toBe(flatB.length);
  return Math.max(...flatA.map((x, i) => Math.abs(x - flatB[i])));
}

function ourOutputs(family: keyof Reference): { logits: number[][]; hidden: number[][][] } {
  const ref = committed[family];
  const outputs = ref.logits[0].length;
  const { model } = loadPretrainedClassifier(join(FIXTURES, family), { outputs, seed: 1, sepId: SEP_IDS[family] });
  try {
    const ids = tf.tensor2d(ref.input_ids, undefined, 'int32');
    const mask = tf.tensor2d(ref.attention_mask, undefined, 'float32');
    const logits = model.logits(ids, mask, [0], 0);
    const hidden = model.lastHiddenState(ids, mask);
    const result = { logits: logits.arraySync(), hidden: hidden.arraySync() };
    tf.dispose([ids, mask, logits, hidden]);
    return result;
  } finally {
    model.dispose();
  }
}

// The addon is optional: without it only the tf-ops paths (cpu, wasm) are checked.
const BACKENDS = loadOpenBlas() ? (['cpu', 'wasm', 'wasm+openblas'] as const) : (['cpu', 'wasm'] as const);

describe.each(BACKENDS)('pretrained encoders on %s match the PyTorch reference', (backend) => {
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it.each(FAMILIES)('%s: logits and last hidden state within 1e-4', async (family) => {
    expect(await selectBackend(backend)).toBe(backend);
    // Make sure the native path really runs on wasm+openblas (and only there).
    expect(fusedKernelsActive()).toBe(backend === 'wasm+openblas');
    const ours = ourOutputs(family);
    const ref = committed[family];
    expect(maxDifference(ours.logits, ref.logits)).toBeLessThan(1e-4);
    // Padded positions are not compared: their states are never read by anything.
    const realStates = (states: number[][][]) => states.map((row, r) => row.filter((_, t) => ref.attention_mask[r][t] === 1));
    expect(maxDifference(realStates(ours.hidden), realStates(ref.last_hidden_state))).toBeLessThan(1e-4);
  });
});

describe('the tokenizer and the model end to end', () => {
  it('tokenizes the hand-checked sentences into the reference ids and gets the reference logits', async () => {
    await selectBackend('cpu');
    const bert = await loadTokenizer(join(FIXTURES, 'bert'));
    // "hated" -> hate ##d; the pair gets [SEP] between and type ids 1 on the second text.
    expect(bert.encode('The movie was great!').ids).toEqual(committed.bert.input_ids[0].slice(0, 7));
    const pair = bert.encode('I hated it', 'What a bad film');
    expect(pair.ids).toEqual(committed.bert.input_ids[1]);
    expect(pair.typeIds).toEqual(committed.bert.token_type_ids[1]);
    const roberta = await loadTokenizer(join(FIXTURES, 'roberta'));
    expect(roberta.encode('the movie was great').ids).toEqual(committed.roberta.input_ids[0].slice(0, 6));
    expect(roberta.encode('this film was not good', 'bad plot').ids).toEqual(committed.roberta.input_ids[1]);
    const distilbert = await loadTokenizer(join(FIXTURES, 'distilbert'));
    expect(distilbert.encode('I watched the film', 'it was fun').ids).toEqual(committed.distilbert.input_ids[1]);
  });
});

describe('the reference script', () => {
  const python = torchPython();
  // Skipped (the committed reference.json is still checked above) where no python3 imports torch.
  it.skipIf(python === null)(`recomputes the committed reference.json${torchSkipNote(python)}`, () => {
    const output = execFileSync(python!, [SCRIPT, FIXTURES], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const live = JSON.parse(output) as Reference;
    for (const family of FAMILIES) {
      expect(live[family].input_ids).toEqual(committed[family].input_ids);
      expect(maxDifference(live[family].logits, committed[family].logits)).toBeLessThan(1e-9);
    }
  });
});
