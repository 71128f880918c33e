// Optional native accelerator for the wasm backend: native/openblas (an N-API addon built at
// install time when a compiler and OpenBLAS are present; see scripts/build-native.mjs). On this
// machine matrix products are ~75% of a training step on wasm, where XNNPACK runs single-threaded;
// OpenBLAS sgemm with 2 threads does them several times faster. The addon reads and writes the
// wasm backend's WebAssembly.Memory in place (buffer + byte offsets), so nothing is copied.
// When the addon is missing, or the run asked for plain 'wasm', the wrapped kernels fall through
// to the ones below them (wasm-kernels.ts).
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KernelArgs, type KernelImplementation, product, type WasmBackend } from './kernel-types';

export interface OpenBlasAddon {
  sgemm(
    buffer: ArrayBuffer, transA: boolean, transB: boolean, m: number, n: number, k: number,
    aOffset: number, bOffset: number, cOffset: number, batch: number, aStride: number, bStride: number, cStride: number,
  ): void;
  columnSum(buffer: ArrayBuffer, xOffset: number, rows: number, cols: number, outOffset: number): void;
  setThreads(threads: number): void;
  threads(): number;
  // elementwise.c: see fused-kernels.ts
  biasGelu(buffer: ArrayBuffer, xOffset: number, biasOffset: number, rows: number, cols: number, outOffset: number): void;
  biasGeluGrad(buffer: ArrayBuffer, dyOffset: number, xOffset: number, biasOffset: number, rows: number, cols: number, outOffset: number): void;
  nestedDropout(buffer: ArrayBuffer, xOffset: number, uOffset: number, copySize: number, copies: number, params: Float32Array, outOffset: number): void;
  maskedSoftmax(buffer: ArrayBuffer, xOffset: number, biasOffset: number, rows: number, cols: number, group: number, outOffset: number): void;
  maskedSoftmaxGrad(buffer: ArrayBuffer, dyOffset: number, yOffset: number, rows: number, cols: number, outOffset: number): void;
  layerNorm(buffer: ArrayBuffer, xOffset: number, gainOffset: number, biasOffset: number, rows: number, cols: number, eps: number, outOffset: number): void;
  layerNormGrad(
    buffer: ArrayBuffer, dyOffset: number, xOffset: number, gainOffset: number, rows: number, cols: number, eps: number,
    dxOffset: number, dGainOffset: number, dBiasOffset: number,
  ): void;
}

/** The addon's package folder: build/Release/ (built here) or prebuilds/<platform>-<arch>/ (shipped). */
const ADDON_DIR = path.join('native', 'openblas');
/**
 * Threads per trainer for sgemm. 1: the run service already runs one trainer per core, and
 * OpenBLAS threads that share a core with another trainer spin and slow both down. One OpenBLAS
 * thread still does the matrix products several times faster than XNNPACK in wasm. The bench
 * sets COMPARO_OPENBLAS_THREADS=2 to match the PyTorch reference's 2 threads.
 */
const DEFAULT_THREADS = 1;
const FLOAT_BYTES = 4;

/**
 * OpenBLAS's kernel family for this CPU, from its flags, or undefined to let OpenBLAS decide.
 * Why: OpenBLAS 0.3.21 (Debian 12) does not know newer Xeons (our CI's family 6 model 207) and
 * falls back to its generic "Prescott" SSE3 kernels: sgemm 17 GFLOPS there against 86 with the
 * AVX-512 "SkylakeX" ones on the same core. The same holds for PyTorch over that OpenBLAS
 * (bench/index.ts passes the variable to the reference too).
 */
export function openBlasCoreType(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  let flags: Set<string>;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    flags = new Set(line?.split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return undefined;
  }
  if (['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'].every((flag) => flags.has(flag))) return 'SkylakeX';
  if (['avx2', 'fma'].every((flag) => flags.has(flag))) return 'Haswell';
  return undefined;
}

/**
 * OPENBLAS_THREAD_TIMEOUT (log2 of the cycles an idle OpenBLAS worker spins before it sleeps):
 * the default, 28, keeps the workers spinning for ~0.1 s after every product, on the cores that
 * the elementwise kernels between products (wasm, and elementwise.c's threads) need. 16 (~30 us)
 * cut a BERT-tiny step's CPU time by a quarter (baseline 641 -> 461 ms, comparative 1317 -> 1008,
 * 2 threads) and its wall time by 5%. bench/index.ts passes the same value to PyTorch.
 */
export const OPENBLAS_THREAD_TIMEOUT = '16';

let addon: OpenBlasAddon | null | undefined;
/** The file the addon was loaded from (null when none loaded). */
let addonFile: string | null = null;
/** Whether the wrapped kernels use the addon now (false for an explicit plain 'wasm' run). */
let enabled = false;

/**
 * The addon, or null when there is none for this platform. node-gyp-build picks the file, as
 * better-sqlite3's and most N-API packages' loaders do: build/Release/ when it was built here, else
 * the prebuilt binary for this platform, architecture and libc under prebuilds/ (`npm run
 * prebuild:native`; PREBUILDS_ONLY=1 skips a local build). The folder is looked up from this file
 * upwards, which finds the repository root in development, under tsx, and inside the packaged app
 * (where electron-builder unpacks it next to app.asar). COMPARO_OPENBLAS=0 turns it off.
 */
export function loadOpenBlas(): OpenBlasAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (process.env.COMPARO_OPENBLAS === '0') return addon;
  const requireHere = createRequire(import.meta.url);
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, folder = path.dirname(folder)) {
    const packed = path.join(folder, ADDON_DIR);
    const unpacked = packed.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    const dir = existsSync(unpacked) ? unpacked : packed;
    if (!existsSync(dir)) continue;
    try {
      const file = (requireHere('node-gyp-build') as { resolve(dir: string): string }).resolve(dir);
      // Read once, when the library loads (as a dependency of the addon): set it before.
      const coreType = process.env.OPENBLAS_CORETYPE ?? openBlasCoreType();
      if (coreType) process.env.OPENBLAS_CORETYPE = coreType;
      process.env.OPENBLAS_THREAD_TIMEOUT ??= OPENBLAS_THREAD_TIMEOUT;
      // macOS builds against Accelerate (native/openblas/binding.gyp), which reads its thread count
      // from this variable when it loads, with the addon, and has no call to change it later.
      process.env.VECLIB_MAXIMUM_THREADS ??= process.env.COMPARO_OPENBLAS_THREADS ?? String(DEFAULT_THREADS);
      addon = requireHere(file) as OpenBlasAddon;
      addon.setThreads(Number(process.env.COMPARO_OPENBLAS_THREADS ?? DEFAULT_THREADS));
      addonFile = file;
    } catch {
      addon = null; // none for this platform, or libopenblas missing at run time: plain wasm
    }
    break;
  }
  return addon;
}

/** Where the loaded addon came from (a local build or a prebuilt binary), for diagnostics and tests. */
export function openBlasAddonFile(): string | null {
  loadOpenBlas();
  return addonFile;
}

const offsetOf = (wasm: WasmBackend, t: tf.TensorInfo) => wasm.dataIdMap.get(t.dataId).memoryOffset;

function makeBlasBatchMatMul(below: KernelImplementation): KernelImplementation {
  return (args: KernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs;
    if (!enabled || !addon || a.dtype !== 'float32' || b.dtype !== 'float32') return below(args);
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    const aBatch = product(a.shape.slice(0, -2));
    const bBatch = product(b.shape.slice(0, -2));
    const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const batch = product(outOuter);
    if (!(aBatch === bBatch || aBatch === 1 || bBatch === 1) || batch !== Math.max(aBatch, bBatch)) return below(args);
    const last = (t: tf.TensorInfo, fromEnd: number) => t.shape[t.shape.length - fromEnd];
    const m = transposeA ? last(a, 1) : last(a, 2);
    const k = transposeA ? last(a, 2) : last(a, 1);
    const n = transposeB ? last(b, 2) : last(b, 1);
    if (k !== (transposeB ? last(b, 1) : last(b, 2))) throw new Error(`matMul inner dimensions differ: ${a.shape} x ${b.shape}`);
    if (m * n * k === 0) return below(args);
    const wasm = args.backend as WasmBackend;
    const out = wasm.makeOutput([...outOuter, m, n], 'float32');
    // The heap's buffer is read after makeOutput: an allocation may grow (and so replace) it.
    const heap = wasm.typedArrayFromHeap(out).buffer as ArrayBuffer;
    const [aAt, bAt, outAt] = [offsetOf(wasm, a), offsetOf(wasm, b), offsetOf(wasm, out)];
    if (bBatch === 1 && !transposeA) {
      // Every batch of a meets the same b: one call over all of a's rows (the dense layers).
      addon.sgemm(heap, false, transposeB, aBatch * m, n, k, aAt, bAt, outAt, 1, 0, 0, 0);
    } else {
      const stride = (count: number, size: number) => (count === 1 ? 0 : size * FLOAT_BYTES);
      addon.sgemm(heap, transposeA, transposeB, m, n, k, aAt, bAt, outAt, batch, stride(aBatch, m * k), stride(bBatch, k * n), m * n * FLOAT_BYTES);
    }
    return out;
  };
}

/** Sum over leading axes (bias and LayerNorm gradients) as a native column sum. */
function makeBlasColumnSum(below: KernelImplementation): KernelImplementation {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs;
    if (!enabled || !addon || x.dtype !== 'float32') return below(args);
    const axes = tf.util.parseAxisParam(args.attrs?.axis as number | number[], x.shape).sort((p, q) => p - q);
    if (axes.length === 0 || axes.length === x.shape.length || !axes.every((axis, i) => axis === i)) return below(args);
    const innerShape = x.shape.slice(axes.length);
    const cols = product(innerShape);
    if (cols === 0) return below(args);
    const wasm = args.backend as WasmBackend;
    const out = wasm.makeOutput(args.attrs?.keepDims ? [...axes.map(() => 1), ...innerShape] : innerShape, 'float32');
    const heap = wasm.typedArrayFromHeap(out).buffer as ArrayBuffer;
    addon.columnSum(heap, offsetOf(wasm, x), product(x.shape.slice(0, axes.length)), cols, offsetOf(wasm, out));
    return out;
  };
}

let installed = false;

function wrapKernel(kernelName: string, make: (below: KernelImplementation) => KernelImplementation): void {
  const below = tf.getKernel(kernelName, 'wasm');
  if (!below) return;
  tf.unregisterKernel(kernelName, 'wasm');
  const kernelFunc = make(below.kernelFunc as unknown as KernelImplementation) as unknown as tf.KernelFunc;
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

/** The addon while the accelerator is on for the wasm backend, else null (fused-kernels.ts). */
export function activeOpenBlas(): OpenBlasAddon | null {
  return enabled && addon && typeof addon.maskedSoftmaxGrad === 'function' ? addon : null;
}

/**
 * Turns the accelerator on or off for the active wasm backend (call after installWasmKernels).
 * Returns whether it is on: false when asked for off or when the addon is not available.
 */
export function useOpenBlas(on: boolean): boolean {
  const native = on ? loadOpenBlas() : null;
  if (native && !installed) {
    installed = true;
    wrapKernel('BatchMatMul', makeBlasBatchMatMul);
    wrapKernel('Sum', makeBlasColumnSum);
  }
  enabled = native !== null;
  return enabled;
}
