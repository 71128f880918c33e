// A faster BatchMatMul for the wasm backend. The stock kernel reaches XNNPACK only for a single
// batch without transposes; every other case (batched attention, and every matMul gradient, which
// is transposed) falls to a naive loop about 8x slower. Here we transpose operands physically,
// then call the stock wasm function once per batch on views into the same memory, so all of them
// take the XNNPACK path.
import * as tf from '@tensorflow/tfjs';
import { type CWrapped, type KernelArgs, type KernelImplementation, product, type WasmBackend } from './kernel-types';

const FLOAT_BYTES = 4;
const int32Bytes = (values: number[]) => new Uint8Array(new Int32Array(values).buffer);

interface MatMulFunctions {
  batchMatMul: CWrapped;
  transpose: CWrapped;
}

const cwrapped = new WeakMap<object, MatMulFunctions>();

function matMulFunctions(backend: WasmBackend): MatMulFunctions {
  let functions = cwrapped.get(backend);
  if (!functions) {
    const n = 'number';
    functions = {
      batchMatMul: backend.wasm.cwrap('BatchMatMul', null, [n, 'array', n, n, 'array', n, n, n, n]),
      transpose: backend.wasm.cwrap('Transpose', null, [n, 'array', n, n, n, 'array', n]),
    };
    cwrapped.set(backend, functions);
  }
  return functions;
}

/** `stock` handles what this kernel does not: non-float inputs and mixed broadcasts. */
export function makeFastBatchMatMul(stock: KernelImplementation): KernelImplementation {
  return (args: KernelArgs): tf.TensorInfo => {
    const wasm = args.backend as WasmBackend;
    const { a, b } = args.inputs;
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    const aOuter = a.shape.slice(0, -2);
    const bOuter = b.shape.slice(0, -2);
    const aBatch = product(aOuter);
    const bBatch = product(bOuter);
    const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
    const batch = product(outOuter);
    const simpleBroadcast = aBatch === bBatch || aBatch === 1 || bBatch === 1;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || !simpleBroadcast || batch !== Math.max(aBatch, bBatch)) {
      return stock(args);
    }
    const last = (t: tf.TensorInfo, fromEnd: number) => t.shape[t.shape.length - fromEnd];
    const m = transposeA ? last(a, 1) : last(a, 2);
    const k = transposeA ? last(a, 2) : last(a, 1);
    const n = transposeB ? last(b, 2) : last(b, 1);
    const innerB = transposeB ? last(b, 1) : last(b, 2);
    if (k !== innerB) throw new Error(`matMul inner dimensions differ: ${a.shape} x ${b.shape}`);
    const out = wasm.makeOutput([...outOuter, m, n], 'float32');
    if (m * n * batch === 0) return out;
    if (k === 0) {
      wasm.typedArrayFromHeap(out).fill(0);
      return out;
    }
    const fn = matMulFunctions(wasm);
    const temporaries: tf.TensorInfo[] = [];
    // Memory offset of a row-major [batches, rows, cols] copy of t (t itself when not transposed).
    const rowMajor = (t: tf.TensorInfo, batches: number, rows: number, cols: number, transposed: boolean): number => {
      if (!transposed) return wasm.dataIdMap.get(t.dataId).memoryOffset;
      const copy = wasm.makeOutput([batches, cols, rows], 'float32');
      temporaries.push(copy);
      fn.transpose(
        wasm.dataIdMap.get(t.dataId).id, int32Bytes([batches, rows, cols]), 3, 0 /* float32 */,
        wasm.dataIdMap.get(copy.dataId).id, int32Bytes([0, 2, 1]), 3,
      );
      return wasm.dataIdMap.get(copy.dataId).memoryOffset;
    };

    // One XNNPACK call on [1, rows, k] x [1, k, n] views registered over existing memory. The
    // views are unregistered by hand: backend.disposeData would free() memory they do not own.
    const multiply = (aAt: number, rows: number, bAt: number, outAt: number) => {
      const views = [
        wasm.makeOutput([1, rows, k], 'float32', aAt),
        wasm.makeOutput([1, k, n], 'float32', bAt),
        wasm.makeOutput([1, rows, n], 'float32', outAt),
      ];
      const [aId, bId, outId] = views.map((view) => wasm.dataIdMap.get(view.dataId).id);
      try {
        fn.batchMatMul(aId, int32Bytes([1, rows, k]), 3, bId, int32Bytes([1, k, n]), 3, false, false, outId);
      } finally {
        for (const view of views) {
          wasm.wasm.tfjs.disposeData(wasm.dataIdMap.get(view.dataId).id);
          wasm.dataIdMap.delete(view.dataId);
        }
      }
    };
    try {
      const aOffset = rowMajor(a, aBatch, transposeA ? k : m, transposeA ? m : k, transposeA);
      const bOffset = rowMajor(b, bBatch, transposeB ? n : k, transposeB ? k : n, transposeB);
      const outOffset = wasm.dataIdMap.get(out.dataId).memoryOffset;
      if (bBatch === 1) {
        // Every batch of a uses the same b: one call over all rows of a at once.
        multiply(aOffset, aBatch * m, bOffset, outOffset);
      } else {
        for (let g = 0; g < batch; g++) {
          const aAt = aBatch === 1 ? aOffset : aOffset + g * m * k * FLOAT_BYTES;
          multiply(aAt, m, bOffset + g * k * n * FLOAT_BYTES, outOffset + g * m * n * FLOAT_BYTES);
        }
      }
    } finally {
      for (const temporary of temporaries) wasm.disposeData(temporary.dataId);
    }
    return out;
  };
}
