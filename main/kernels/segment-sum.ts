// The loop behind UnsortedSegmentSum (the gradient of tf.gather, i.e. of our embedding lookup),
// shared by the wasm kernel (missing there) and the cpu kernel (whose stock version runs one
// equal/mul/sum pass over the whole input per segment: O(vocabulary x tokens x dim), minutes
// per step for an 8000-word vocabulary).

type NumericArray = Float32Array | Int32Array | Uint8Array;

/**
 * result[segment, :] += values[row, :] for each row, segment = ids[row]; rows whose id falls
 * outside [0, numSegments) are dropped, as in TensorFlow. `result` must start zeroed.
 */
export function segmentSumInto(
  result: NumericArray,
  values: ArrayLike<number>,
  ids: ArrayLike<number>,
  inner: number,
  numSegments: number,
): void {
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row];
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * inner;
    const to = segment * inner;
    for (let i = 0; i < inner; i++) result[to + i] += values[from + i];
  }
}
