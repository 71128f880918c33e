// The predictor process on its own: a real forked child, a real checkpoint file (a built-in model
// with seeded weights, written as the engine writes best.ckpt). It answers what the model computes
// in this process, reports progress on long inputs, survives a crash of its process, and keeps a
// rewritten checkpoint from being served stale.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelSource } from '../../main/inference/model-source';
import { fileVersion } from '../../main/inference/model-source';
import { PredictorClient } from '../../main/inference/predictor-client';
import { selectBackend } from '../../main/kernels/backends';
import { writeCheckpoint } from '../../main/training/checkpoint';
import { encodeSegmented } from '../../main/training/crops';
import { TransformerClassifier } from '../../main/models/builtin-classifier';
import { WordTokenizer } from '../../main/training/tokenizer';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../shared/schemas';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('comparo-predictor-');
const client = new PredictorClient({ backend: 'cpu' });
afterAll(() => {
  client.close();
  dir.cleanup();
});

const config: RunConfig = { ...DEFAULT_RUN_CONFIG, maxLength: 32, model: { vocabSize: 64, dim: 16, layers: 1, heads: 2, ffnDim: 32 } };
const TEXTS = ['a great film, truly great', 'a dull and boring film', 'the plot was fine', 'great acting'];
const labelNames = ['neg', 'pos', 'neutral'];

/** A checkpoint of a seeded model, and the logits that model gives TEXTS here, in this process. */
async function seededCheckpoint(name: string, seed: number): Promise<{ source: ModelSource; logits: number[][] }> {
  await selectBackend('cpu');
  const tokenizer = WordTokenizer.fit(TEXTS, config.model.vocabSize);
  const model = new TransformerClassifier({ ...config.model, maxLength: config.maxLength, numClasses: labelNames.length }, seed);
  const logits = TEXTS.map((text) => {
    const ids = encodeSegmented(tokenizer, text, config.maxLength).ids;
    return tf.tidy(() => (model.logits(tf.tensor2d([ids], undefined, 'int32'), tf.ones([1, ids.length]) as tf.Tensor2D, [0], 0).arraySync() as number[][])[0]);
  });
  const weights = model.variables.map((v) => new Float32Array(v.dataSync() as Float32Array));
  const path = join(dir.path, name, 'best.ckpt');
  writeCheckpoint(path, {
    header: {
      runId: name, step: 4, epoch: 1, stepInEpoch: 0, optimizerStep: 4, vocabulary: [...tokenizer.vocabulary],
      bestScore: 0.5, bestStep: 4, bestMetrics: { accuracy: 0.5 }, bestPath: null, evalsWithoutImprovement: 0, lastMetrics: null, trainingMs: 1,
      shapes: [...model.variables, ...model.variables, ...model.variables].map((v) => v.shape),
    },
    weights,
    firstMoments: weights.map((w) => new Float32Array(w.length)),
    secondMoments: weights.map((w) => new Float32Array(w.length)),
  });
  model.dispose();
  return { source: { kind: 'run', runId: name, checkpointPath: path, version: fileVersion(path), config, task: 'classification', labelNames }, logits };
}

describe('predictor process', () => {
  it('answers with the logits the model gives in-process, named and normalised', async () => {
    const { source, logits } = await seededCheckpoint('r-a', 7);
    const result = await client.predict(source, TEXTS.map((text) => ({ text })));
    expect(client.backend).toBe('cpu');
    expect(client.pid).not.toBe(process.pid);
    expect(result.labelNames).toEqual(labelNames);
    result.predictions!.forEach((p, i) => {
      p.logits.forEach((x, j) => expect(x).toBeCloseTo(logits[i][j], 5));
      expect(Object.values(p.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    });
    expect(result.cached).toBe(false);
    // Kept loaded: the second request does not read the checkpoint again.
    expect((await client.predict(source, [{ text: 'great' }])).cached).toBe(true);
  });

  it('reports progress on long inputs, in order, ending at the total', async () => {
    const { source } = await seededCheckpoint('r-b', 8);
    const progress: Array<[number, number]> = [];
    const inputs = Array.from({ length: 600 }, (_, i) => ({ text: `${TEXTS[i % 4]} ${i}` }));
    const result = await client.predict(source, inputs, 'predictions', (done, total) => progress.push([done, total]));
    expect(result.predictions).toHaveLength(600);
    expect(progress).toEqual([[256, 600], [512, 600], [600, 600]]);
  });

  it('fails the request in flight when its process dies, and starts a fresh one for the next', async () => {
    const { source, logits } = await seededCheckpoint('r-c', 9);
    const inputs = Array.from({ length: 3000 }, () => ({ text: TEXTS[0] }));
    const pending = client.predict(source, inputs);
    process.kill(client.pid!, 'SIGKILL');
    await expect(pending).rejects.toThrow(/predictor process was killed \(SIGKILL\)/);
    const again = await client.predict(source, [{ text: TEXTS[1] }]);
    again.predictions![0].logits.forEach((x, j) => expect(x).toBeCloseTo(logits[1][j], 5));
  });

  it('reloads a checkpoint rewritten in place (a resumed run that found a better model)', async () => {
    const first = await seededCheckpoint('r-d', 10);
    await client.predict(first.source, [{ text: TEXTS[0] }]);
    const second = await seededCheckpoint('r-d', 11);
    expect(second.source.kind === 'run' && second.source.version).not.toBe(first.source.kind === 'run' && first.source.version);
    const result = await client.predict(second.source, [{ text: TEXTS[0] }]);
    expect(result.cached).toBe(false);
    result.predictions![0].logits.forEach((x, j) => expect(x).toBeCloseTo(second.logits[0][j], 5));
  });
});
