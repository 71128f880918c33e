// Fused elementwise ops of the training step, run by the native addon (native/openblas/
// elementwise.c) when the wasm+openblas backend is active, else by the plain tf ops they replace.
// Why: a kernel profile of a BERT-tiny comparative step (C = 2, 3 stacked copies) put the quick
// GELU of the FFN ([3 * B * T, 512]: bias add, scale, sigmoid, multiply and ~6 ops back) and the
// nested dropout masks (uniform + shift, floor, scale, multiply, for every copy) at ~25% of the
// step, all single-threaded passes over the wasm heap. Here each is one multi-threaded pass
// forward and one backward, in place on the wasm memory (as openblas-kernels.ts).
import * as tf from '@tensorflow/tfjs';
import { activeOpenBlas, type OpenBlasAddon } from './openblas-kernels';
import { type KernelArgs, product, type WasmBackend } from './kernel-types';

const GELU = 'ComparoBiasGelu';
const GELU_GRAD = 'ComparoBiasGeluGrad';
const DROPOUT = 'ComparoNestedDropout';
const SOFTMAX = 'ComparoMaskedSoftmax';
const SOFTMAX_GRAD = 'ComparoMaskedSoftmaxGrad';
const LAYER_NORM = 'ComparoLayerNorm';
const LAYER_NORM_GRAD = 'ComparoLayerNormGrad';
const ERF_GELU = 'ComparoBiasErfGelu';
const ERF_GELU_GRAD = 'ComparoBiasErfGeluGrad';

/** The exact-GELU entry points, newer than the addon's interface: an older build lacks them. */
type ErfGeluAddon = OpenBlasAddon & {
  biasErfGelu?(buffer: ArrayBuffer, xOffset: number, biasOffset: number, rows: number, cols: number, outOffset: number): void;
  biasErfGeluGrad?(buffer: ArrayBuffer, dyOffset: number, xOffset: number, biasOffset: number, rows: number, cols: number, outOffset: number): void;
};

const offsetOf = (wasm: WasmBackend, t: tf.TensorInfo) => wasm.dataIdMap.get(t.dataId).memoryOffset;

/** Makes the output, then hands the heap (read after the allocation, which may grow it) to `fill`. */
function nativeOutput(args: KernelArgs, like: tf.TensorInfo, fill: (heap: ArrayBuffer, at: (t: tf.TensorInfo) => number, outAt: number) => void): tf.TensorInfo {
  const wasm = args.backend as WasmBackend;
  const out = wasm.makeOutput(like.shape, 'float32');
  const heap = wasm.typedArrayFromHeap(out).buffer as ArrayBuffer;
  fill(heap, (t) => offsetOf(wasm, t), offsetOf(wasm, out));
  return out;
}

let registered = false;

function registerKernels(): void {
  if (registered) return;
  registered = true;
  const addon = () => {
    const native = activeOpenBlas();
    if (!native) throw new Error('fused kernels need the wasm+openblas backend');
    return native;
  };
  const kernel = (kernelName: string, run: (args: KernelArgs) => tf.TensorInfo) =>
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: run as unknown as tf.KernelFunc });
  kernel(GELU, (args) => {
    const { x, bias } = args.inputs;
    const [rows, cols] = x.shape;
    return nativeOutput(args, x, (heap, at, outAt) => addon().biasGelu(heap, at(x), at(bias), rows, cols, outAt));
  });
  kernel(GELU_GRAD, (args) => {
    const { dy, x, bias } = args.inputs;
    const [rows, cols] = x.shape;
    return nativeOutput(args, x, (heap, at, outAt) => addon().biasGeluGrad(heap, at(dy), at(x), at(bias), rows, cols, outAt));
  });
  kernel(ERF_GELU, (args) => {
    const { x, bias } = args.inputs;
    const [rows, cols] = x.shape;
    return nativeOutput(args, x, (heap, at, outAt) => (addon() as ErfGeluAddon).biasErfGelu!(heap, at(x), at(bias), rows, cols, outAt));
  });
  kernel(ERF_GELU_GRAD, (args) => {
    const { dy, x, bias } = args.inputs;
    const [rows, cols] = x.shape;
    return nativeOutput(args, x, (heap, at, outAt) => (addon() as ErfGeluAddon).biasErfGeluGrad!(heap, at(dy), at(x), at(bias), rows, cols, outAt));
  });
  kernel(SOFTMAX, (args) => {
    const { x, bias } = args.inputs;
    const cols = x.shape[x.shape.length - 1];
    const rows = product(x.shape) / cols;
    const group = rows / (product(bias.shape) / cols);
    return nativeOutput(args, x, (heap, at, outAt) => addon().maskedSoftmax(heap, at(x), at(bias), rows, cols, group, outAt));
  });
  kernel(SOFTMAX_GRAD, (args) => {
    const { dy, y } = args.inputs;
    const cols = y.shape[y.shape.length - 1];
    return nativeOutput(args, y, (heap, at, outAt) => addon().maskedSoftmaxGrad(heap, at(dy), at(y), product(y.shape) / cols, cols, outAt));
  });
  kernel(LAYER_NORM, (args) => {
    const { x, gain, bias } = args.inputs;
    const [rows, cols] = x.shape;
    const eps = args.attrs?.eps as number;
    return nativeOutput(args, x, (heap, at, outAt) => addon().layerNorm(heap, at(x), at(gain), at(bias), rows, cols, eps, outAt));
  });
  tf.registerKernel({
    kernelName: LAYER_NORM_GRAD,
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const { dy, x, gain } = args.inputs;
      const [rows, cols] = x.shape;
      const wasm = args.backend as WasmBackend;
      const outs = [wasm.makeOutput(x.shape, 'float32'), wasm.makeOutput([cols], 'float32'), wasm.makeOutput([cols], 'float32')];
      const heap = wasm.typedArrayFromHeap(outs[0]).buffer as ArrayBuffer;
      const [dxAt, dGainAt, dBiasAt] = outs.map((t) => offsetOf(wasm, t));
      addon().layerNormGrad(heap, offsetOf(wasm, dy), offsetOf(wasm, x), offsetOf(wasm, gain), rows, cols, args.attrs?.eps as number, dxAt, dGainAt, dBiasAt);
      return outs;
    }) as unknown as tf.KernelFunc,
  });
  kernel(DROPOUT, (args) => {
    const { x, uniform } = args.inputs;
    const params = args.attrs?.params as Float32Array;
    const copies = params.length / 2;
    return nativeOutput(args, x, (heap, at, outAt) => addon().nestedDropout(heap, at(x), at(uniform), uniform.shape[0], copies, params, outAt));
  });
}

/** COMPARO_FUSED_KERNELS=0 keeps the tf-ops forms under wasm+openblas (A/B timing, bisecting). */
let disabled = typeof process !== 'undefined' && process.env?.COMPARO_FUSED_KERNELS === '0';

/** Turns the fused kernels off or back on (tests compare both paths in one process). */
export function setFusedKernels(on: boolean): void {
  disabled = !on;
}

/** Whether the fused native kernels run now (wasm+openblas active, not disabled). */
export function fusedKernelsActive(): boolean {
  if (disabled || tf.getBackend() !== 'wasm' || !activeOpenBlas()) return false;
  registerKernels();
  return true;
}

const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = {}) =>
  tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;

/** The tf-ops form (other backends, and the reference the native kernels are tested against). */
export function quickGeluOps(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

const fusedBiasGelu = tf.customGrad(((x: tf.Tensor, bias: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, bias]);
  return {
    value: run(GELU, { x, bias }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const dx = run(GELU_GRAD, { dy, x: saved[0], bias: saved[1] });
      return [dx, tf.sum(dx, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

/** quick GELU of x + bias (x: [rows, cols], bias: [cols]): x' * sigmoid(1.702 x'). */
export function biasGelu(x: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  if (x.dtype === 'float32' && x.rank === 2 && fusedKernelsActive()) return fusedBiasGelu(x, bias) as tf.Tensor2D;
  return quickGeluOps(tf.add(x, bias)) as tf.Tensor2D;
}

/**
 * Exact GELU x * Phi(x) (BERT / ELECTRA / RoBERTa) in tf ops, with its derivative written out: two
 * saved tensors, no tape of small ops. The reference of the native kernel and its fallback.
 */
export const erfGeluOps = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5);
  save([x, cdf]);
  return {
    value: tf.mul(x, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, phi] = saved;
      const density = tf.mul(tf.exp(tf.mul(tf.square(input), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return tf.mul(dy, tf.add(phi, tf.mul(input, density)));
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

const fusedBiasErfGelu = tf.customGrad(((x: tf.Tensor, bias: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, bias]);
  return {
    value: run(ERF_GELU, { x, bias }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const dx = run(ERF_GELU_GRAD, { dy, x: saved[0], bias: saved[1] });
      return [dx, tf.sum(dx, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

/**
 * Exact GELU of x + bias (x: [rows, cols], bias: [cols]): one native pass each way on
 * wasm+openblas (erf within 1e-7, native/openblas/row-math.h), else erfGeluOps. Replaces ~12
 * single-threaded wasm passes over the FFN's [copies * B * T, intermediate] tensor.
 */
export function biasErfGelu(x: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  if (x.dtype === 'float32' && x.rank === 2 && fusedKernelsActive() && (activeOpenBlas() as ErfGeluAddon).biasErfGelu) {
    return fusedBiasErfGelu(x, bias) as tf.Tensor2D;
  }
  return erfGeluOps(tf.add(x, bias)) as tf.Tensor2D;
}

/**
 * x [copies, copySize] times the nested dropout mask of `uniform()` [copySize] (drawn only here) (shift = 1 - rate,
 * scale = 1 / (1 - rate), both rounded to float32 as the tf-ops path's tensors are), or null when
 * the native kernel is not active. Linear in x with a fixed mask: the gradient is the same op.
 */
export function fusedNestedDropout(x: tf.Tensor2D, uniform: () => tf.Tensor1D, rates: readonly number[]): tf.Tensor2D | null {
  if (x.dtype !== 'float32' || !fusedKernelsActive()) return null;
  const u = uniform();
  const params = new Float32Array(rates.flatMap((rate) => [1 - rate, 1 / (1 - rate)]));
  // u goes through save(): the engine keeps saved tensors for the backward pass, while the
  // caller's tidy disposes u itself as soon as the forward pass returns.
  const apply = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([u]);
    return {
      value: run(DROPOUT, { x: input, uniform: u }, { params }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => run(DROPOUT, { x: dy, uniform: saved[0] }, { params }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (input: tf.Tensor) => tf.Tensor;
  return apply(x) as tf.Tensor2D;
}

/** The tf-ops LayerNorm over the last axis (the reference of the native kernel). */
export function layerNormOps(x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), gain), bias);
}

const fusedLayerNorms = new Map<number, (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor>();

function fusedLayerNorm(eps: number): (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor {
  let op = fusedLayerNorms.get(eps);
  if (!op) {
    // Mean and variance are recomputed backward from x (a cheap row pass) rather than saved.
    op = tf.customGrad(((x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x, gain]);
      return {
        value: run(LAYER_NORM, { x, gain, bias }, { eps }),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf.engine().runKernel(LAYER_NORM_GRAD, { dy, x: saved[0], gain: saved[1] } as unknown as tf.NamedTensorMap, { eps } as unknown as tf.NamedAttrMap) as tf.Tensor[],
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor;
    fusedLayerNorms.set(eps, op);
  }
  return op;
}

/**
 * LayerNorm of x [rows, cols] over its last axis: (x - mean) / sqrt(var + eps) * gain + bias.
 * One native pass forward and one backward (with the gain and bias gradients) on wasm+openblas.
 */
export function layerNorm(x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor2D {
  if (x.dtype === 'float32' && x.rank === 2 && fusedKernelsActive()) return fusedLayerNorm(eps)(x, gain, bias) as tf.Tensor2D;
  return layerNormOps(x, gain, bias, eps);
}

const fusedMaskedSoftmax = tf.customGrad(((scores: tf.Tensor, bias: tf.Tensor, save: tf.GradSaveFunc) => {
  const y = run(SOFTMAX, { x: scores, bias });
  save([y]);
  return {
    value: y,
    // The bias comes from the padding mask, never from a variable: its gradient is not used.
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [run(SOFTMAX_GRAD, { dy, y: saved[0] }), tf.zerosLike(bias)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (scores: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

/**
 * Attention probabilities: softmax over the last axis of scores [rows, heads, T, T] + bias
 * [rows, 1, 1, T] (0 for tokens, a large negative number for padded keys).
 */
export function maskedSoftmax(scores: tf.Tensor4D, bias: tf.Tensor4D): tf.Tensor4D {
  const [rows, , , keys] = scores.shape;
  const fits = bias.shape[0] === rows && bias.shape[1] === 1 && bias.shape[2] === 1 && bias.shape[3] === keys;
  if (scores.dtype === 'float32' && fits && fusedKernelsActive()) return fusedMaskedSoftmax(scores, bias) as tf.Tensor4D;
  return tf.softmax(tf.add(scores, bias)) as tf.Tensor4D;
}
