// Kernels replaced on the pure-JS 'cpu' backend, our last-resort fallback. Only one matters:
// the stock UnsortedSegmentSum (gradient of the embedding lookup) loops over every segment, which
// made one training step of the default model take minutes and gigabytes.
import * as tf from '@tensorflow/tfjs';
import { segmentSumInto } from './segment-sum';
import { type KernelArgs, product } from './kernel-types';

/** The parts of tfjs-backend-cpu's MathBackendCPU we use. */
interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
}

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const cpu = backend as CpuBackend;
  const { x, segmentIds } = inputs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: unsupported dtype ${x.dtype}`);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const numSegments = attrs?.numSegments as number;
  const inner = product(innerShape);
  const result = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  segmentSumInto(result, cpu.data.get(x.dataId).values, cpu.data.get(segmentIds.dataId).values, inner, numSegments);
  return cpu.makeTensorInfo([numSegments, ...innerShape], x.dtype, result);
}

let installed = false;

/** Replaces the cpu kernels above. Idempotent; safe before or after the backend initialises. */
export function installCpuKernels(): void {
  if (installed) return;
  installed = true;
  if (tf.getKernel('UnsortedSegmentSum', 'cpu')) tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'cpu', kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc });
}
