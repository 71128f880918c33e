// Kernels the wasm backend (@tensorflow/tfjs-backend-wasm 4.22) lacks, or runs too slowly for
// training, registered for backendName 'wasm' once the backend is initialised (backends.ts):
// - UnsortedSegmentSum: missing; the gradient of tf.gather (our embedding lookup) needs it.
// - BatchMatMul: routed to XNNPACK in every case (wasm-batch-matmul.ts).
// - Sum over leading axes: column sums in one pass instead of transpose + reduce.
// - GatherV2: the stock kernel does generic index arithmetic per element; an embedding lookup is
//   a row copy, done here with TypedArray.set (about 50x faster).
// - Identity and same-dtype Cast: the stock kernels copy the data; the gradient tape clones every
//   saved activation through Identity, so sharing the buffer (refcounted, as the cpu backend and
//   the wasm Reshape kernel already do) removes a full copy of each large activation per op.
import * as tf from '@tensorflow/tfjs';
import { segmentSumInto } from './segment-sum';
import { makeFastBatchMatMul } from './wasm-batch-matmul';
import { type KernelArgs, type KernelImplementation, product, type WasmBackend } from './kernel-types';

/** Sums rows of x into numSegments buckets by segment id (ids outside [0, numSegments) dropped). */
export function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { x, segmentIds } = inputs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: unsupported dtype ${x.dtype}`);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const numSegments = attrs?.numSegments as number;
  const out = wasm.makeOutput([numSegments, ...innerShape], x.dtype);
  // Views are taken after makeOutput: an allocation may grow (and so detach) the heap buffer.
  const result = wasm.typedArrayFromHeap(out);
  result.fill(0); // malloc'd memory is not zeroed
  segmentSumInto(result, wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(segmentIds), product(innerShape), numSegments);
  return out;
}

/** Row gather along axis 0 (no batch dims); anything else goes to the stock kernel. */
function makeRowGather(stock: KernelImplementation): KernelImplementation {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x, indices } = args.inputs;
    const axis = Number(args.attrs?.axis ?? 0);
    const batchDims = Number(args.attrs?.batchDims ?? 0);
    if (axis !== 0 || batchDims !== 0 || x.dtype === 'string' || x.shape.length < 1) return stock(args);
    const wasm = args.backend as WasmBackend;
    const rows = x.shape[0];
    const rowSize = product(x.shape.slice(1));
    const count = product(indices.shape);
    const out = wasm.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const result = wasm.typedArrayFromHeap(out);
    const table = wasm.typedArrayFromHeap(x);
    const ids = wasm.typedArrayFromHeap(indices);
    for (let i = 0; i < count; i++) {
      const row = ids[i];
      if (!(row >= 0 && row < rows)) {
        wasm.disposeData(out.dataId);
        throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
      }
      result.set(table.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
    }
    return out;
  };
}

/**
 * Sum over leading axes (e.g. axis 0 of [rows, dim]: every bias and LayerNorm gradient). The
 * stock kernel transposes the whole input first so the axes become innermost; a column-sum loop
 * over the heap reads it once, in order. Other reductions go to the stock kernel.
 */
function makeLeadingAxesSum(stock: KernelImplementation): KernelImplementation {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs;
    const axes = tf.util.parseAxisParam(args.attrs?.axis as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.every((axis, i) => axis === i);
    if (x.dtype !== 'float32' || axes.length === 0 || axes.length === x.shape.length || !leading) return stock(args);
    const wasm = args.backend as WasmBackend;
    const outer = product(x.shape.slice(0, axes.length));
    const innerShape = x.shape.slice(axes.length);
    const inner = product(innerShape);
    const keepDims = Boolean(args.attrs?.keepDims);
    const out = wasm.makeOutput(keepDims ? [...axes.map(() => 1), ...innerShape] : innerShape, 'float32');
    const result = wasm.typedArrayFromHeap(out);
    const values = wasm.typedArrayFromHeap(x);
    result.fill(0);
    for (let row = 0; row < outer; row++) {
      const from = row * inner;
      for (let i = 0; i < inner; i++) result[i] += values[from + i];
    }
    return out;
  };
}

/** Shares the input's buffer instead of copying it (the engine refcounts data ids). */
function sharedIdentity({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs;
  (backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function makeSharingCast(stock: KernelImplementation): KernelImplementation {
  return (args: KernelArgs): tf.TensorInfo =>
    args.attrs?.dtype === args.inputs.x.dtype && args.inputs.x.dtype !== 'string' ? sharedIdentity(args) : stock(args);
}

function replaceKernel(kernelName: string, make: (stock: KernelImplementation) => KernelImplementation): void {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (!stock) return;
  tf.unregisterKernel(kernelName, 'wasm');
  const kernelFunc = make(stock.kernelFunc as unknown as KernelImplementation) as unknown as tf.KernelFunc;
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

let installed = false;

/**
 * Registers our kernels for 'wasm'. Call after tf.setBackend('wasm') succeeded: the wrappers fall
 * back to the stock kernels, which only work once the backend ran their setup. Idempotent.
 */
export function installWasmKernels(): void {
  if (installed) return;
  installed = true;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc });
  }
  replaceKernel('BatchMatMul', makeFastBatchMatMul);
  replaceKernel('GatherV2', makeRowGather);
  replaceKernel('Sum', makeLeadingAxesSum);
  replaceKernel('Identity', (stock) => (args) => (args.inputs.x.dtype === 'string' ? stock(args) : sharedIdentity(args)));
  replaceKernel('Cast', makeSharingCast);
}
