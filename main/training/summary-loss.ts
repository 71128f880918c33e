// The [CLS] summary objective, an optional second pretraining loss beside the masked-LM one: the
// MLM head (transform and tied decoder, main/models/masked-lm.ts) applied to each block's final
// [CLS] state must predict the block's own token distribution (its bag of words), as a soft-target
// cross-entropy. Why: masked-LM training alone never asks [CLS] to carry anything, and once a
// small encoder's attention turns local, [CLS] describes the first few words only; a classifier
// read from [CLS] (every *ForSequenceClassification head) then starts from nothing and 150
// fine-tuning steps cannot route the rest of the text to it (docs/shipped-model.md has the
// measurements). BERT's next-sentence task trained [CLS] too, but with a pooler and a head that
// fine-tuning drops; this one adds no tensor, so the folder stays a plain BertForMaskedLM.
import * as tf from '@tensorflow/tfjs';

/**
 * Each block's distribution over the vocabulary of its ordinary tokens (special ids and padding
 * left out): count / total, as a flat [blocks x vocab] array. A block of specials alone gets a row of zeros.
 */
export function bagOfWordsTargets(blocks: readonly { ids: readonly number[]; mask: readonly number[] }[], vocabSize: number, specialIds: ReadonlySet<number>): Float32Array {
  const out = new Float32Array(blocks.length * vocabSize);
  blocks.forEach((block, b) => {
    let total = 0;
    block.ids.forEach((id, t) => {
      if (block.mask[t] === 0 || specialIds.has(id)) return;
      out[b * vocabSize + id] += 1;
      total++;
    });
    if (total > 0) for (let v = 0; v < vocabSize; v++) out[b * vocabSize + v] /= total;
  });
  return out;
}

/** Mean over blocks of -sum_v target[b, v] * log softmax(logits[b])_v; `logits` and `targets` are [blocks, vocab]. */
export function summaryLoss(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}
