// Task losses per example (per copy row) and the objectives over the [B, 1 + C] table of copy
// losses (shared/docs/comparative-loss.md, "Objective").
import * as tf from '@tensorflow/tfjs';
import type { RunConfig, Task } from '../../shared/schemas';
import { comparativeLoss } from './comparative-loss';

/** Per-row targets, already repeated once per copy to match the logits' row layout. */
export interface RowTargets {
  /** Classification: int32 class ids [rows]; regression: float targets [rows]. */
  labels?: tf.Tensor1D;
  /** Multilabel: 0/1 float [rows, numLabels]. */
  multiHot?: tf.Tensor2D;
}

/** Cross-entropy per row of logits [rows, classes] against int32 class ids [rows]. */
export function perExampleCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const oneHot = tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32');
    return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1)) as tf.Tensor1D;
  });
}

/**
 * Per-row task loss: CE (classification), squared error of the single output (regression), or
 * binary CE averaged over labels (multilabel), in the stable form max(x,0) - x z + log(1+e^-|x|).
 */
export function perExampleTaskLoss(task: Task, logits: tf.Tensor2D, targets: RowTargets): tf.Tensor1D {
  return tf.tidy(() => {
    if (task === 'regression') {
      return tf.square(tf.sub(tf.reshape(logits, [-1]), targets.labels!)) as tf.Tensor1D;
    }
    if (task === 'multilabel') {
      const z = targets.multiHot!;
      const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, z)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
      return tf.mean(bce, 1) as tf.Tensor1D;
    }
    return perExampleCrossEntropy(logits, targets.labels!);
  });
}

export type ObjectiveSettings = Pick<RunConfig, 'objective' | 'primary' | 'hingeWeight' | 'target' | 'temperature'>;

/** primary(l0..lC) per example: max (the reference's default), avg, first (full model), last. */
function primaryLoss(taskLosses: tf.Tensor2D, primary: RunConfig['primary']): tf.Tensor1D {
  const [batch, copies] = taskLosses.shape;
  if (primary === 'max') return tf.max(taskLosses, 1) as tf.Tensor1D;
  if (primary === 'avg') return tf.mean(taskLosses, 1) as tf.Tensor1D;
  const column = primary === 'first' ? 0 : copies - 1;
  return tf.reshape(tf.slice(taskLosses, [0, column], [batch, 1]), [batch]) as tf.Tensor1D;
}

/** Mean over pairs i < j of max(0, (l_i - l_j) / T) WITHOUT the dummy: [B]. */
function pairwiseHinge(taskLosses: tf.Tensor2D, temperature: number): tf.Tensor1D {
  const m = taskLosses.shape[1];
  if (m < 2) return tf.zeros([taskLosses.shape[0]]) as tf.Tensor1D;
  const mask = new Float32Array(m * m);
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) mask[i * m + j] = 1;
  const differences = tf.div(tf.sub(tf.expandDims(taskLosses, 2), tf.expandDims(taskLosses, 1)), temperature);
  // relu's gradient at an exact 0 is 0 here; ties need no push without the dummy's deliberate ones.
  const summed = tf.sum(tf.mul(tf.relu(differences), tf.tensor2d(mask, [m, m])), [1, 2]);
  return tf.div(summed, (m * (m - 1)) / 2) as tf.Tensor1D;
}

/**
 * ListMLE (Xia et al. 2008) of the expected order 0..C with scores s_i = -l_i / T:
 * sum_i [ -s_i + log sum_{j >= i} exp(s_j) ], per example. The reverse cumulative logsumexp is
 * built from C + 1 suffix slices (C is at most 12, so this stays a handful of ops).
 */
function listMle(taskLosses: tf.Tensor2D, temperature: number): tf.Tensor1D {
  const [batch, m] = taskLosses.shape;
  const scores = tf.div(tf.neg(taskLosses), temperature);
  const terms: tf.Tensor[] = [];
  for (let i = 0; i < m; i++) {
    const suffix = tf.slice(scores, [0, i], [batch, m - i]);
    terms.push(tf.sub(tf.logSumExp(suffix, 1), tf.reshape(tf.slice(scores, [0, i], [batch, 1]), [batch])));
  }
  return tf.addN(terms) as tf.Tensor1D;
}

/**
 * The scalar to minimise from taskLosses [B, 1 + C]. 'comparative': Lcmp alone (paper default).
 * 'primary_hinge': primary + lambda * hinge without dummy. 'listmle': primary + lambda * ListMLE;
 * the primary term is needed because ListMLE is shift-invariant in the losses (adding a constant
 * to every l_i leaves it unchanged), so alone it would never lower the task loss.
 */
export function objectiveLoss(taskLosses: tf.Tensor2D, settings: ObjectiveSettings): tf.Scalar {
  return tf.tidy(() => {
    if (settings.objective === 'comparative') {
      return comparativeLoss(taskLosses, { target: settings.target, temperature: settings.temperature });
    }
    const ranking = settings.objective === 'listmle' ? listMle(taskLosses, settings.temperature) : pairwiseHinge(taskLosses, settings.temperature);
    return tf.mean(tf.add(primaryLoss(taskLosses, settings.primary), tf.mul(ranking, settings.hingeWeight))) as tf.Scalar;
  });
}
