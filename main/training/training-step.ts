// One optimizer step and one evaluation batch. Baseline: one copy at dropout p, mean CE.
// Comparative: copies at rates [0, p_1..p_C] (full model first, dropout off) in one batched
// forward, per-example CE of each copy -> [B, 1 + C] -> comparative loss (Lcmp alone, the
// default objective in shared/docs/comparative-loss.md).
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../shared/schemas';
import type { PaddedBatch } from './batching';
import { ablationRates, comparativeLoss } from './comparative-loss';
import type { TransformerClassifier } from './model';

export type LossSettings = Pick<RunConfig, 'loss' | 'ablations' | 'target' | 'temperature' | 'dropout'>;

/** Dropout rate of every site for each model copy, in copy order. */
export function copyRates(settings: LossSettings): number[] {
  return settings.loss === 'comparative'
    ? [0, ...ablationRates(settings.dropout, settings.ablations)]
    : [settings.dropout];
}

/** Cross-entropy per row of logits [rows, classes] against int32 class ids [rows]. */
export function perExampleCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const oneHot = tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32');
    return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1)) as tf.Tensor1D;
  });
}

export interface StepOutcome {
  /** The objective that was minimised (mean CE for baseline, Lcmp for comparative). */
  loss: number;
  /** Batch mean of each copy's task loss, l0..lC (baseline: [l0]). */
  copyLosses: number[];
  cmpLoss: number | null;
}

export function trainingStep(
  model: TransformerClassifier,
  optimizer: tf.Optimizer,
  batch: PaddedBatch,
  settings: LossSettings,
  stepSeed: number,
): StepOutcome {
  const rates = copyRates(settings);
  const copies = rates.length;
  const batchSize = batch.labels.length;
  // Labels repeated once per copy, matching the [copies * B] row layout of the logits.
  const labels = tf.tensor1d(Array.from({ length: copies }, () => batch.labels).flat(), 'int32');
  const kept: { copyMeans?: tf.Tensor } = {};
  const cost = optimizer.minimize(
    () => {
      const perRow = perExampleCrossEntropy(model.logits(batch.ids, batch.mask, rates, stepSeed), labels);
      const taskLosses = tf.transpose(tf.reshape(perRow, [copies, batchSize])) as tf.Tensor2D; // [B, copies]
      // Kept past minimize's internal tidy so the per-copy means can be reported.
      kept.copyMeans = tf.keep(tf.mean(taskLosses, 0));
      return settings.loss === 'comparative'
        ? comparativeLoss(taskLosses, { target: settings.target, temperature: settings.temperature })
        : (tf.mean(perRow) as tf.Scalar);
    },
    true,
    model.variables,
  );
  labels.dispose();
  const loss = cost ? cost.dataSync()[0] : Number.NaN;
  cost?.dispose();
  const copyLosses = kept.copyMeans ? Array.from(kept.copyMeans.dataSync()) : [];
  kept.copyMeans?.dispose();
  return { loss, copyLosses, cmpLoss: settings.loss === 'comparative' ? loss : null };
}

export interface EvaluationBatchResult {
  losses: number[];
  predictions: number[];
}

/** Full model only (dropout off): per-example CE and argmax class for one batch. */
export function evaluationBatch(model: TransformerClassifier, batch: PaddedBatch): EvaluationBatchResult {
  const [losses, predictions] = tf.tidy(() => {
    const logits = model.logits(batch.ids, batch.mask, [0], 0);
    const labels = tf.tensor1d(batch.labels, 'int32');
    return [perExampleCrossEntropy(logits, labels), tf.argMax(logits, 1)];
  });
  const result = {
    losses: Array.from(losses.dataSync() as Float32Array),
    predictions: Array.from(predictions.dataSync() as Int32Array),
  };
  losses.dispose();
  predictions.dispose();
  return result;
}
