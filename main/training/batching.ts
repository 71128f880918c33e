// Turning encoded examples into padded batches. Dynamic padding: each batch is padded to its own
// longest sequence, not to maxLength, since attention cost grows with the square of the length.
import * as tf from '@tensorflow/tfjs';
import { PAD_ID } from './tokenizer';

export interface EncodedExample {
  ids: number[];
  label: number;
}

export interface PaddedBatch {
  ids: tf.Tensor2D; // [B, T] int32
  mask: tf.Tensor2D; // [B, T] float32, 1 = token, 0 = padding
  labels: number[];
}

export function padBatch(examples: readonly EncodedExample[]): PaddedBatch {
  const batch = examples.length;
  const length = Math.max(1, ...examples.map((example) => example.ids.length));
  const ids = new Int32Array(batch * length).fill(PAD_ID);
  const mask = new Float32Array(batch * length);
  examples.forEach((example, row) => {
    ids.set(example.ids, row * length);
    mask.fill(1, row * length, row * length + example.ids.length);
  });
  return {
    ids: tf.tensor2d(ids, [batch, length], 'int32'),
    mask: tf.tensor2d(mask, [batch, length], 'float32'),
    labels: examples.map((example) => example.label),
  };
}

export function disposeBatch(batch: PaddedBatch): void {
  batch.ids.dispose();
  batch.mask.dispose();
}

/** Splits `order` into consecutive chunks of `size` (the last one may be shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Pads id rows to one given `length` (the copies of one crop level share their level's longest
 * input, so batched and sequential passes draw identical dropout masks). Padded positions are
 * masked out of attention and pooling, so the padding changes no result.
 */
export function padRows(rows: readonly (readonly number[])[], length: number): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const ids = new Int32Array(rows.length * length).fill(PAD_ID);
  const mask = new Float32Array(rows.length * length);
  rows.forEach((row, r) => {
    ids.set(row.slice(0, length), r * length);
    mask.fill(1, r * length, r * length + Math.min(length, row.length));
  });
  return { ids: tf.tensor2d(ids, [rows.length, length], 'int32'), mask: tf.tensor2d(mask, [rows.length, length], 'float32') };
}
