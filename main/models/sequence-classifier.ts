// What the training loop, evaluation and neuronal utility need from a model: its trainable
// variables and batched logits for stacked model copies. Implemented by the from-scratch
// TransformerClassifier (builtin-classifier.ts) and the pretrained families' classifier
// (pretrained-classifier.ts), both over the one encoder of encoder.ts.
import type * as tf from '@tensorflow/tfjs';

export interface SequenceClassifier {
  /** Trainable variables in a fixed order (checkpoints store them in this order). */
  readonly variables: tf.Variable[];
  /**
   * ids [B, T] int32, mask [B, T] float (1 = token). Returns [rates.length * B, outputs]: rows
   * k*B .. (k+1)*B - 1 are copy k, run with its dropout rate rates[k]; stepSeed fixes the masks.
   */
  logits(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number): tf.Tensor2D;
  /** Like logits, but ids/mask already hold rates.length stacked copies (CmpCrop inputs). */
  stackedLogits(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number): tf.Tensor2D;
  dispose(): void;
}
