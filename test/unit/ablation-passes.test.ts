// Batched passes (docs/method.md#batched-passes): the 1 + C copies run as ONE batched forward
// or one after another (same site seeds, hence the same nested masks) give the same loss and the
// same gradients, to 1e-5.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { TransformerClassifier } from '../../main/models/builtin-classifier';
import { type LossSettings, stepGradients, type StepInput } from '../../main/training/training-step';
import { mulberry32 } from '../../shared/random';
import { DEFAULT_RUN_CONFIG, type Task } from '../../shared/schemas';

const SHAPE = { vocabSize: 30, dim: 16, layers: 2, heads: 2, ffnDim: 24, maxLength: 12 };

function input(crops: number, batch = 5): StepInput {
  const next = mulberry32(11);
  const full = Array.from({ length: batch }, (_, i) => Array.from({ length: 6 + (i % 4) }, () => 2 + Math.floor(next() * 28)));
  const inputs = [full];
  // Nested crops: each drops every third remaining token (a subsequence of the previous crop).
  for (let c = 0; c < crops; c++) inputs.push(inputs[c].map((ids) => ids.filter((_, i) => i % 3 !== 2)));
  return { inputs, labels: full.map((_, i) => i % 3), multiHot: full.map((_, i) => [i % 2, 1 - (i % 2), 1]) };
}

function compare(settings: Partial<LossSettings>, crops: number, task: Task = 'classification') {
  const model = new TransformerClassifier({ ...SHAPE, numClasses: task === 'regression' ? 1 : 3 }, 5);
  const config = { ...DEFAULT_RUN_CONFIG, dropout: 0.2, crops, ...settings };
  const data = input(crops);
  const batched = stepGradients(model, data, config, task, 1234, true);
  const sequential = stepGradients(model, data, config, task, 1234, false);
  expect(Math.abs(batched.outcome.loss - sequential.outcome.loss)).toBeLessThan(1e-5);
  batched.outcome.copyLosses.forEach((l, k) => expect(Math.abs(l - sequential.outcome.copyLosses[k])).toBeLessThan(1e-5));
  let largest = 0;
  batched.grads.forEach((g, i) => {
    const a = g.dataSync();
    const b = sequential.grads[i].dataSync();
    for (let j = 0; j < a.length; j++) largest = Math.max(largest, Math.abs(a[j] - b[j]));
  });
  expect(largest).toBeLessThan(1e-5);
  // The copies really differ (masks are applied): otherwise the test would prove nothing.
  const losses = batched.outcome.copyLosses;
  expect(new Set(losses.map((l) => l.toFixed(6))).size).toBe(losses.length);
  tf.dispose([...batched.grads, ...sequential.grads]);
  model.dispose();
}

describe('batched vs sequential ablation passes (wasm)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('CmpDrop, C = 1, 2, 4: same loss and gradients', () => {
    for (const ablations of [1, 2, 4]) compare({ loss: 'comparative', ablations }, 0);
  });

  it('CmpCrop + CmpDrop alternated, other objectives and tasks: same loss and gradients', () => {
    compare({ loss: 'comparative', ablations: 2, crops: 2 }, 2);
    compare({ loss: 'comparative', ablations: 1, objective: 'primary_hinge', primary: 'max' }, 0, 'regression');
    compare({ loss: 'comparative', ablations: 2, crops: 1, objective: 'listmle', primary: 'avg' }, 1, 'multilabel');
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    compare({ loss: 'comparative', ablations: 2 }, 0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
