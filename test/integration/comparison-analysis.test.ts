// `comparisons.analysis` over a real SQLite file: trainers are scripted (as in run-storage.test.ts)
// so every number the views show can be checked against values worked out by hand.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../main/db/connection';
import { DatasetTextsRepo } from '../../main/db/dataset-texts-repo';
import { openServices, type Services } from '../../main/services';
import { splitWords } from '../../main/training/tokenizer';
import { channels } from '../../shared/contract';
import { flopsPerStep } from '../../shared/flops';
import type { ComparisonSummary, DatasetSummary, RunSummary } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { tempDir } from '../helpers/temp-dir';
import { ScriptedTrainer, scriptedLauncher } from '../helpers/scripted-trainer';


/** Four validation examples (indices 0..3, gold 0, 1, 0, 1); `predicted` per example. */
const predictions = (predicted: number[]) => predicted.map((p, index) => ({ index, predicted: p, gold: index % 2, confidence: 0.5 + index / 10 }));
const confusionOf = (predicted: number[]) => {
  const m = [
    [0, 0],
    [0, 0],
  ];
  predicted.forEach((p, i) => (m[i % 2][p] += 1));
  return m;
};

describe('comparisons.analysis', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  async function setup(): Promise<{ services: Services; trainers: ScriptedTrainer[]; dataset: DatasetSummary; dir: string }> {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const trainers: ScriptedTrainer[] = [];
    const services = openServices({
      dataDir: dir.path,
      transport: 'cli',
      maxParallelRuns: 4,
      launcher: scriptedLauncher(trainers),
    });
    const dataset = value<DatasetSummary>(await services.dispatch('datasets.importEmbedded', {}));
    return { services, trainers, dataset, dir: dir.path };
  }

  it('aggregates curves, per-class scores, confusion, fixed/broken examples, utility and compute from stored runs', async () => {
    const { services, trainers, dataset } = await setup();
    const config = { ablations: 2, batchSize: 8, gradAccumulation: 1, maxLength: 32 };
    const c = value<ComparisonSummary>(await services.dispatch('comparisons.start', { datasetId: dataset.id, seeds: 2, config }));
    expect(trainers).toHaveLength(4);
    const runs = value<RunSummary[]>(await services.dispatch('runs.list', {}));
    const trainerOf = (loss: string, seed: number) => trainers.find((t) => runs.find((r) => r.id === t.started!.runId)!.loss === loss && t.started!.config.seed === seed)!;
    const [s1, s2] = c.seeds;
    // Accuracy at steps 5 and 10; predictions of the 4 examples at the best evaluation (step 10).
    const script: Array<{ loss: 'baseline' | 'comparative'; seed: number; acc: [number, number]; predicted: number[]; ms: [number, number] }> = [
      { loss: 'baseline', seed: s1, acc: [0.5, 0.6], predicted: [1, 1, 0, 0], ms: [1000, 2000] },
      { loss: 'comparative', seed: s1, acc: [0.6, 0.8], predicted: [0, 1, 0, 0], ms: [3000, 6000] },
      { loss: 'baseline', seed: s2, acc: [0.7, 0.8], predicted: [0, 1, 0, 1], ms: [1200, 2400] },
      { loss: 'comparative', seed: s2, acc: [0.8, 0.9], predicted: [0, 0, 0, 1], ms: [3600, 7200] },
    ];
    for (const s of script) {
      const t = trainerOf(s.loss, s.seed);
      t.say({ type: 'ready', backend: 'wasm' });
      const correct = s.predicted.filter((p, i) => p === i % 2).length / 4;
      [5, 10].forEach((step, i) =>
        t.say({
          type: 'eval',
          step,
          epoch: step / 10,
          metrics: { accuracy: s.acc[i], loss: 1 - s.acc[i] },
          perClass: [
            { label: 'negative', precision: s.acc[i], recall: correct, f1: s.acc[i], support: 2 },
            { label: 'positive', precision: 0.5, recall: 0.5, f1: 0.5, support: 2 },
          ],
          confusion: confusionOf(s.predicted),
          predictions: predictions(s.predicted),
          best: i === 1,
          trainingMs: s.ms[i],
        }),
      );
      t.say({ type: 'utility', kind: 'drop', levels: [0, 1, 2].map((k) => ({ k, rate: 1 - 0.9 ** k, metrics: { accuracy: s.acc[1] - k / 10 } })), beatenShare: 0.1 });
      t.say({ type: 'done', metrics: { accuracy: s.acc[1], loss: 1 - s.acc[1] }, elapsedMs: s.ms[1], msPerStep: 100, bestStep: 10 });
      t.exit(0, null);
    }

    const a = channels['comparisons.analysis'].response.parse(value(await services.dispatch('comparisons.analysis', { id: c.id })));
    expect(a.labels).toEqual(['negative', 'positive']);
    expect(a.seeds).toEqual([s1, s2]);

    const accuracy = a.curves.find((k) => k.metric === 'accuracy')!.curves;
    expect(accuracy.map((k) => k.arm)).toEqual(['baseline', 'comparative']);
    expect(accuracy[0].x).toEqual([5, 10]);
    expect(accuracy[0].mean[0]).toBeCloseTo(0.6, 12); // (0.5 + 0.7) / 2
    expect(accuracy[1].mean[1]).toBeCloseTo(0.85, 12); // (0.8 + 0.9) / 2
    expect(accuracy[1].lower).toEqual([0.6, 0.8]);
    expect(accuracy[1].upper).toEqual([0.8, 0.9]);

    // Per class from the best evaluation (step 10): precision = acc at step 10, means over seeds.
    const negative = a.perClass.find((r) => r.label === 'negative')!;
    expect(negative.baseline!.precision).toBeCloseTo(0.7, 12); // (0.6 + 0.8) / 2
    expect(negative.comparative!.precision).toBeCloseTo(0.85, 12);
    expect(negative.delta!.precision).toBeCloseTo(0.15, 12);

    // Confusion summed over seeds, gold = [0, 1, 0, 1]. Baseline seed 1 predicts [1, 1, 0, 0]:
    // rows [1, 1] and [1, 1]; seed 2 [0, 1, 0, 1]: [2, 0] and [0, 2]. Comparative seed 1
    // [0, 1, 0, 0]: [2, 0] and [1, 1]; seed 2 [0, 0, 0, 1]: [2, 0] and [1, 1].
    expect(a.confusion.baseline).toEqual([
      [3, 1],
      [1, 3],
    ]);
    expect(a.confusion.comparative).toEqual([
      [4, 0],
      [2, 2],
    ]);
    expect(a.confusion.difference).toEqual([
      [1, -1],
      [1, -1],
    ]);

    // Seed 1: example 0 fixed (baseline 1, gold 0, comparative 0); seed 2: example 1 broken.
    expect(a.examples.perSeed).toEqual([
      { seed: s1, fixed: 1, broken: 0, compared: 4 },
      { seed: s2, fixed: 0, broken: 1, compared: 4 },
    ]);
    const validationTexts = trainers[0].started!.validation.texts;
    expect(a.examples.fixed).toEqual([
      { seed: s1, index: 0, text: validationTexts[0], gold: 0, baseline: { predicted: 1, confidence: 0.5 }, comparative: { predicted: 0, confidence: 0.5 } },
    ]);
    expect(a.examples.broken.map((e) => [e.seed, e.index, e.text])).toEqual([[s2, 1, validationTexts[1]]]);

    const drop = a.utility.find((u) => u.kind === 'drop')!;
    expect(drop.metric).toBe('accuracy');
    expect(drop.curves[0].x).toEqual([0, 1, 2]);
    expect(drop.curves[0].mean[2]).toBeCloseTo(0.5, 12); // (0.6 + 0.8) / 2 - 0.2

    // Compute: stored wall-clock per evaluation; FLOPs from the model config and the real lengths.
    const trainTexts = trainers[0].started!.train.texts;
    const lengths = trainTexts.map((t) => Math.min(Math.max(1, splitWords(t).length), 32));
    const model = runs[0].config.model;
    // No crops: every copy runs the full inputs, each micro-batch of 8 padded to its longest.
    const baselineFlops = flopsPerStep({ model, numClasses: 2, lengthsByCrop: [lengths], batchSize: 8, microBatches: 1, copies: [1] });
    const run = (arm: string, seed: number) => a.compute.runs.find((r) => r.arm === arm && r.seed === seed)!;
    expect(run('baseline', s1).flopsPerStep).toBeCloseTo(baselineFlops, 0);
    expect(run('comparative', s1).flopsPerStep).toBeCloseTo(3 * baselineFlops, 0); // 1 + C copies, C = 2
    expect(run('comparative', s2).points).toEqual([
      { step: 5, seconds: 3.6, flops: expect.closeTo(15 * baselineFlops, 0), value: 0.8 },
      { step: 10, seconds: 7.2, flops: expect.closeTo(30 * baselineFlops, 0), value: 0.9 },
    ]);
    expect(a.compute.bySeconds.find((k) => k.arm === 'comparative')!.x).toEqual([3.3, 6.6]);
    await services.close();
  });

  it('stores the training time of each evaluation (migration 005) and answers an empty analysis before any evaluation', async () => {
    const { services, trainers, dataset, dir } = await setup();
    const run = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id }));
    trainers[0].say({ type: 'ready', backend: 'wasm' });
    trainers[0].say({ type: 'eval', step: 3, epoch: 0.3, metrics: { accuracy: 0.6 }, trainingMs: 5000 });
    trainers[0].say({ type: 'eval', step: 6, epoch: 0.6, metrics: { accuracy: 0.7 } }); // an older trainer: no time
    const c = value<ComparisonSummary>(await services.dispatch('comparisons.start', { datasetId: dataset.id, seeds: 1 }));
    expect(c.runIds).toHaveLength(2);
    // The analysis of a comparison whose runs have not reported yet is empty, not an error.
    const empty = channels['comparisons.analysis'].response.parse(value(await services.dispatch('comparisons.analysis', { id: c.id })));
    expect(empty.curves).toEqual([]);
    expect(empty.examples.fixedTotal).toBe(0);
    expect(empty.confusion.baseline).toEqual([]);
    const missing = await services.dispatch('comparisons.analysis', { id: 'c-nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await services.close();
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    const stored = db.prepare('SELECT step, training_ms AS ms FROM evaluations WHERE run_id = ? ORDER BY step').all(run.id);
    // The texts repo reads what the trainer was given, without loading the dataset whole.
    const texts = new DatasetTextsRepo(db);
    const given = trainers[0].started!;
    expect(texts.trainingSample(dataset.id, 100)).toEqual(given.train.texts.filter((_, i) => i % 16 === 0)); // 1600 / 100
    expect(texts.trainingSample(dataset.id, 5000)).toEqual(given.train.texts);
    expect([...texts.validationTexts(dataset.id, [399, 0, 7]).entries()].sort((x, y) => x[0] - y[0])).toEqual([
      [0, given.validation.texts[0]],
      [7, given.validation.texts[7]],
      [399, given.validation.texts[399]],
    ]);
    db.close();
    expect(stored).toEqual([
      { step: 3, ms: 5000 },
      { step: 6, ms: null },
    ]);
  });
});
