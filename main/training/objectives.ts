// The objectives over the [B, 1 + C] table of per-example copy losses (docs/method.md#objective);
// the per-example losses themselves come from the task head (main/tasks/).
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../shared/schemas';
import { comparativeLoss } from './comparative-loss';

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

/** The scalar minimised and, inside it, the comparative (ranking) term, as logged beside it. */
export interface ObjectiveTerms {
  total: tf.Scalar;
  /** 'comparative': Lcmp (the whole objective); otherwise lambda * the ranking term's batch mean. */
  comparative: tf.Scalar;
}

/**
 * From taskLosses [B, 1 + C]. 'comparative': Lcmp alone (paper default).
 * 'primary_hinge': primary + lambda * hinge without dummy. 'listmle': primary + lambda * ListMLE;
 * the primary term is needed because ListMLE is shift-invariant in the losses (adding a constant
 * to every l_i leaves it unchanged), so alone it would never lower the task loss.
 */
export function objectiveTerms(taskLosses: tf.Tensor2D, settings: ObjectiveSettings): ObjectiveTerms {
  return partsObjectiveTerms([taskLosses], settings);
}

/**
 * A loss made of parts ranked separately (question answering's start and end losses, each
 * [B, 1 + C]), as the reference's CmpQA: each part's ranking term on its own, then their mean;
 * the primary term (other objectives) reads the parts' mean table, the copies' task losses
 * ((start + end) / 2 for QA). One part: the objective of that table.
 */
export function partsObjectiveTerms(parts: readonly tf.Tensor2D[], settings: ObjectiveSettings): ObjectiveTerms {
  return tf.tidy(() => {
    const mean = <T extends tf.Tensor>(values: T[]): T => (values.length === 1 ? values[0] : (tf.div(tf.addN(values), values.length) as T));
    if (settings.objective === 'comparative') {
      const lcmp = mean(parts.map((part) => comparativeLoss(part, { target: settings.target, temperature: settings.temperature })));
      return { total: lcmp, comparative: tf.clone(lcmp) };
    }
    const rank = (part: tf.Tensor2D) => (settings.objective === 'listmle' ? listMle(part, settings.temperature) : pairwiseHinge(part, settings.temperature));
    const ranking = mean(parts.map(rank));
    const comparative = tf.mul(tf.mean(ranking), settings.hingeWeight) as tf.Scalar;
    const total = tf.add(tf.mean(primaryLoss(mean([...parts]), settings.primary)), comparative) as tf.Scalar;
    return { total, comparative };
  });
}

/** The scalar to minimise (objectiveTerms' total). */
export function objectiveLoss(taskLosses: tf.Tensor2D, settings: ObjectiveSettings): tf.Scalar {
  const { total, comparative } = objectiveTerms(taskLosses, settings);
  comparative.dispose();
  return total;
}
