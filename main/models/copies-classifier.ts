// The part of SequenceClassifier every model shares: `logits` repeats one input for every copy,
// `stackedLogits` takes copies already stacked (CmpCrop), both run one batched forward in a tidy.
import * as tf from '@tensorflow/tfjs';
import { alreadyStacked, type CopyStacker, type CopyStacking, repeatedCopies } from './encoder';
import type { SequenceClassifier } from './sequence-classifier';

export abstract class CopiesClassifier implements SequenceClassifier {
  readonly variables: tf.Variable[] = [];

  constructor(private readonly stacking: CopyStacking) {}

  /**
   * ids: [B, T] int32 token ids, mask: [B, T] float (1 = token, 0 = padding). Returns outputs
   * [rates.length * B, outputs]: rows k*B .. (k+1)*B - 1 are copy k, run with its dropout rate
   * rates[k]. `stepSeed` fixes the dropout masks (see DropoutSites).
   */
  logits(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number): tf.Tensor2D {
    return tf.tidy(() => this.forward(ids, mask, rates, stepSeed, repeatedCopies(rates.length, this.stacking)));
  }

  /**
   * Like `logits`, but each copy has its own input (CmpCrop): ids/mask [rates.length * B, T],
   * rows k*B .. (k+1)*B - 1 holding copy k's (cropped, padded) input.
   */
  stackedLogits(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number): tf.Tensor2D {
    if (ids.shape[0] % rates.length !== 0) throw new Error(`rows ${ids.shape[0]} not a multiple of ${rates.length} copies`);
    return tf.tidy(() => this.forward(ids, mask, rates, stepSeed, alreadyStacked));
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose();
    this.variables.length = 0;
  }

  /** Embeddings, the encoder and the head over `ids` [rows, T], stacked into copies by `stack`. */
  protected abstract forward(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number, stack: CopyStacker): tf.Tensor2D;
}
