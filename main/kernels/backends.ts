// Picks the fastest tfjs backend that actually works here. Order: native TensorFlow (GPU, then
// CPU build; optional deps that often fail to install), then wasm with the native OpenBLAS
// accelerator when it was built (openblas-kernels.ts), then plain wasm (XNNPACK, portable), then
// the pure-JS cpu backend. Logs nothing to stdout: the trainer process talks over IPC only.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BackendNameSchema, type BackendName, type BackendRequest } from '../../shared/vocabulary';
import { installCpuKernels } from './cpu-kernels';
import { useOpenBlas } from './openblas-kernels';
import { installWasmKernels } from './wasm-kernels';

// 'wasm+openblas' is not a user setting (shared/vocabulary.ts): 'auto' picks it; benches name it.
export type BackendPreference = BackendRequest;

type Candidate = BackendName;

const PROBE_ORDER: readonly Candidate[] = BackendNameSchema.options;

const STARTING_POINT: Record<BackendPreference, Candidate> = {
  auto: 'tensorflow-gpu',
  tensorflow: 'tensorflow-gpu',
  'wasm+openblas': 'wasm+openblas',
  wasm: 'wasm',
  cpu: 'cpu',
};

const requireFromHere = createRequire(import.meta.url);

/** Which tfjs-node flavour registered the 'tensorflow' backend in this process, if any. */
let nativeFlavour: 'tensorflow-gpu' | 'tensorflow' | null = null;

/** Tries to make `name` the active backend; true only if tfjs really switched to it. */
async function activate(name: string): Promise<boolean> {
  try {
    const switched = await tf.setBackend(name);
    // setBackend can resolve false, or leave another backend active after a failed init.
    return switched && tf.getBackend() === name;
  } catch {
    return false;
  }
}

async function loadNative(packageName: string): Promise<boolean> {
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring these optional packages.
    await import(/* @vite-ignore */ packageName);
    return true;
  } catch {
    return false;
  }
}

/**
 * The emscripten glue of tfjs-backend-wasm adds process-wide uncaughtException and
 * unhandledRejection listeners that rethrow, which would kill the process before its own error
 * handler could report anything. We remove exactly the listeners that appeared during init.
 */
async function withoutAddedProcessListeners<T>(run: () => Promise<T>): Promise<T> {
  const uncaughtBefore = new Set(process.listeners('uncaughtException'));
  const rejectionBefore = new Set(process.listeners('unhandledRejection'));
  try {
    return await run();
  } finally {
    for (const listener of process.listeners('uncaughtException')) {
      if (!uncaughtBefore.has(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!rejectionBefore.has(listener)) process.removeListener('unhandledRejection', listener);
    }
  }
}

let wasmPathsSet = false;

async function tryWasm(accelerated: boolean): Promise<boolean> {
  try {
    const wasmModule = await import('@tensorflow/tfjs-backend-wasm');
    // Loaded as CommonJS under plain Node: the named export may only exist on `default`.
    const setWasmPaths =
      wasmModule.setWasmPaths ?? (wasmModule as unknown as { default: typeof wasmModule }).default.setWasmPaths;
    if (!wasmPathsSet) {
      // Under Node the .wasm binaries are read from the package's dist folder; the prefix must
      // end with a separator. Threads stay off: Node has no Worker-based pthread support here.
      const distFolder = path.dirname(requireFromHere.resolve('@tensorflow/tfjs-backend-wasm'));
      setWasmPaths(distFolder + '/');
      wasmPathsSet = true;
    }
    const ok = await withoutAddedProcessListeners(() => activate('wasm'));
    if (!ok) return false;
    installWasmKernels();
    // An explicit plain 'wasm' turns the accelerator off again in a process that had it on.
    return useOpenBlas(accelerated) === accelerated;
  } catch {
    return false;
  }
}

async function tryCandidate(candidate: Candidate): Promise<boolean> {
  switch (candidate) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      if (nativeFlavour === null) {
        const packageName = candidate === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
        if (!(await loadNative(packageName))) return false;
        nativeFlavour = candidate;
      }
      // Both packages register the backend under the same name 'tensorflow'; report the one
      // that actually loaded.
      return nativeFlavour === candidate && (await activate('tensorflow'));
    }
    case 'wasm+openblas':
      return tryWasm(true);
    case 'wasm':
      return tryWasm(false);
    case 'cpu':
      installCpuKernels();
      return activate('cpu');
  }
}

/**
 * Activates the preferred backend, falling back down the probe order when it is unavailable.
 * Returns the backend actually in use: 'tensorflow-gpu', 'tensorflow', 'wasm+openblas', 'wasm' or 'cpu'.
 */
export async function selectBackend(preference: BackendPreference): Promise<BackendName> {
  // Silences tfjs's console hints (e.g. "install tfjs-node"); they would otherwise go to the console.
  tf.env().set('PROD', true);
  const start = PROBE_ORDER.indexOf(STARTING_POINT[preference]);
  for (const candidate of PROBE_ORDER.slice(start)) {
    if (await tryCandidate(candidate)) return candidate;
  }
  throw new Error('No tfjs backend could be initialised (tried: ' + PROBE_ORDER.slice(start).join(', ') + ')');
}
