// The masked-language-model loss: cross-entropy of the vocabulary logits at the predicted
// positions only (labels from main/training/mlm-masking.ts; IGNORE_LABEL elsewhere), as
// BertForMaskedLM's CrossEntropyLoss(ignore_index=-100). Per sequence it is the mean over that
// sequence's predicted positions — the per-example loss a comparative objective ranks — and the
// batch loss is the mean over all predicted positions of the batch, as PyTorch's reduction does.
import * as tf from '@tensorflow/tfjs';
import { IGNORE_LABEL } from './mlm-masking';

/**
 * `logits` [rows, length, vocab], `labels` rows x length (IGNORE_LABEL where not predicted).
 * Returns the per-sequence mean [rows] (0 for a sequence with no predicted position) and the
 * batch mean over every predicted position (a scalar).
 */
export function maskedLmLoss(logits: tf.Tensor3D, labels: readonly (readonly number[])[]): { perSequence: tf.Tensor1D; batch: tf.Scalar } {
  const [rows, length, vocab] = logits.shape;
  if (labels.length !== rows || labels.some((l) => l.length !== length)) throw new Error(`labels must be ${rows} x ${length}`);
  const flat = labels.flat();
  const bad = flat.find((l) => l !== IGNORE_LABEL && (!Number.isInteger(l) || l < 0 || l >= vocab));
  if (bad !== undefined) throw new Error(`label ${bad} is outside the vocabulary of ${vocab}`);
  return tf.tidy(() => {
    const weights = tf.tensor2d(flat.map((l) => (l === IGNORE_LABEL ? 0 : 1)), [rows, length], 'float32');
    const targets = tf.tensor1d(flat.map((l) => (l === IGNORE_LABEL ? 0 : l)), 'int32');
    const logProbabilities = tf.logSoftmax(tf.reshape(logits, [rows * length, vocab]));
    const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(targets, vocab)), 1);
    const tokenLoss = tf.mul(tf.neg(tf.reshape(picked, [rows, length])), weights);
    const counts = tf.sum(weights, 1);
    const perSequence = tf.div(tf.sum(tokenLoss, 1), tf.maximum(counts, 1)) as tf.Tensor1D;
    const batch = tf.div(tf.sum(tokenLoss), tf.maximum(tf.sum(counts), 1)) as tf.Scalar;
    return { perSequence, batch };
  });
}
