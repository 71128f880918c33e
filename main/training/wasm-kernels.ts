// Kernels the wasm backend (@tensorflow/tfjs-backend-wasm 4.22) lacks or runs too slowly for
// training. Installed once, after the wasm backend is initialised (see backends.ts):
// - UnsortedSegmentSum: missing; the gradient of tf.gather (our embedding lookup) needs it.
// - BatchMatMul: the stock kernel only reaches XNNPACK for one batch and no transposes; any
//   other case falls to a naive loop about 8x slower. Attention (batched) and every matMul
//   gradient (transposed) hit that slow path, so we route them all to XNNPACK: transpose
//   operands physically, then call the stock kernel per batch on views into the same memory.
import * as tf from '@tensorflow/tfjs';

type CWrapped = (...args: unknown[]) => void;

/** The parts of tfjs-backend-wasm's BackendWasm we use (its class is not exported for Node). */
interface WasmBackend {
  wasm: {
    cwrap(name: string, returnType: null, argTypes: string[]): CWrapped;
    tfjs: { disposeData(id: number): void };
  };
  dataIdMap: {
    get(dataId: object): { id: number; memoryOffset: number };
    delete(dataId: object): void;
  };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}

const FLOAT_BYTES = 4;
const int32Bytes = (values: number[]) => new Uint8Array(new Int32Array(values).buffer);
const product = (values: number[]) => values.reduce((a, b) => a * b, 1);

/** Sums rows of x into numSegments buckets by segment id (ids outside [0, numSegments) dropped). */
function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { x, segmentIds } = inputs;
  const numSegments = attrs?.numSegments as number;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: unsupported dtype ${x.dtype}`);
  const segmentCount = product(segmentIds.shape);
  const inner = product(x.shape.slice(segmentIds.shape.length));
  const out = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
  // Views are taken after makeOutput: an allocation may grow (and so detach) the heap buffer.
  const result = wasm.typedArrayFromHeap(out);
  const values = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  result.fill(0); // malloc'd memory is not zeroed
  for (let row = 0; row < segmentCount; row++) {
    const segment = ids[row];
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * inner;
    const to = segment * inner;
    for (let i = 0; i < inner; i++) result[to + i] += values[from + i];
  }
  return out;
}

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

function makeFastBatchMatMul(stock: (args: KernelArgs) => tf.TensorInfo) {
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
    const rank = (t: tf.TensorInfo) => t.shape.length;
    const m = transposeA ? a.shape[rank(a) - 1] : a.shape[rank(a) - 2];
    const k = transposeA ? a.shape[rank(a) - 2] : a.shape[rank(a) - 1];
    const n = transposeB ? b.shape[rank(b) - 2] : b.shape[rank(b) - 1];
    const innerB = transposeB ? b.shape[rank(b) - 1] : b.shape[rank(b) - 2];
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
    const aOffset = rowMajor(a, aBatch, transposeA ? k : m, transposeA ? m : k, transposeA);
    const bOffset = rowMajor(b, bBatch, transposeB ? n : k, transposeB ? k : n, transposeB);
    const outOffset = wasm.dataIdMap.get(out.dataId).memoryOffset;

    // One XNNPACK call on [1, rows, k] x [1, k, n] views registered over existing memory. The
    // views are unregistered by hand: backend.disposeData would free() memory they do not own.
    const multiply = (aAt: number, rows: number, bAt: number, outAt: number) => {
      const aView = wasm.makeOutput([1, rows, k], 'float32', aAt);
      const bView = wasm.makeOutput([1, k, n], 'float32', bAt);
      const outView = wasm.makeOutput([1, rows, n], 'float32', outAt);
      const views = [aView, bView, outView];
      try {
        fn.batchMatMul(
          wasm.dataIdMap.get(aView.dataId).id, int32Bytes([1, rows, k]), 3,
          wasm.dataIdMap.get(bView.dataId).id, int32Bytes([1, k, n]), 3,
          false, false, wasm.dataIdMap.get(outView.dataId).id,
        );
      } finally {
        for (const view of views) {
          wasm.wasm.tfjs.disposeData(wasm.dataIdMap.get(view.dataId).id);
          wasm.dataIdMap.delete(view.dataId);
        }
      }
    };
    try {
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

let installed = false;

/**
 * Registers our kernels for backendName 'wasm'. Call after tf.setBackend('wasm') succeeded: the
 * fast BatchMatMul falls back to the stock kernel for unusual broadcasts, and the stock kernel
 * only works once the backend ran its setup. Idempotent.
 */
export function installWasmKernels(): void {
  if (installed) return;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum as tf.KernelFunc });
  }
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  if (stock) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({
      kernelName: 'BatchMatMul',
      backendName: 'wasm',
      kernelFunc: makeFastBatchMatMul(stock.kernelFunc as unknown as (args: KernelArgs) => tf.TensorInfo) as unknown as tf.KernelFunc,
    });
  }
  installed = true;
}
