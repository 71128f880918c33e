// Where a training step's time goes, per tfjs kernel: every kernel of the wasm backend wrapped
// with a timer, then baseline and comparative (C = 2) steps timed as bench/step-time.ts does.
// Kernels run synchronously on wasm, so wall time per call is the kernel's own time; what the
// list does not cover is JS work between kernels (mask draws, the tape, AdamW's JS loop).
// Run: COMPARO_OPENBLAS_THREADS=2 npx tsx bench/kernel-profile.ts [--shape bert-tiny] [--backend wasm+openblas] [--by-shape BatchMatMul,Add]
// Prints ms per step (warm-up steps included in the kernel sums) and call counts, largest first.
import * as tf from '@tensorflow/tfjs';
import { type BackendPreference, selectBackend } from '../main/kernels/backends';
import { fusedKernelsActive } from '../main/kernels/fused-kernels';
import { argument, timeSteps, WARMUP_STEPS } from './bench-step';

async function main(): Promise<void> {
  const backend = await selectBackend((argument('backend') ?? 'wasm+openblas') as BackendPreference);
  if (!backend.startsWith('wasm')) throw new Error(`kernel profile needs a wasm backend, got ${backend}`);
  fusedKernelsActive(); // registers the fused kernels now, so they are wrapped too
  const byShape = new Set((argument('by-shape') ?? '').split(',').filter(Boolean));
  const totals = new Map<string, { ms: number; calls: number }>();
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    const kernelFunc = ((args: { inputs: Record<string, tf.TensorInfo> }) => {
      const began = performance.now();
      const result = (inner as unknown as (a: typeof args) => unknown)(args);
      const ms = performance.now() - began;
      const shapes = byShape.has(config.kernelName) ? ' ' + Object.values(args.inputs).map((t) => t.shape.join('x')).join(', ') : '';
      const entry = totals.get(config.kernelName + shapes) ?? { ms: 0, calls: 0 };
      totals.set(config.kernelName + shapes, { ms: entry.ms + ms, calls: entry.calls + 1 });
      return result;
    }) as unknown as tf.KernelFunc;
    tf.registerKernel({ ...config, kernelFunc });
  }
  const steps = 5;
  for (const loss of ['baseline', 'comparative'] as const) {
    totals.clear();
    const timing = timeSteps({ loss, ablations: 2 }, steps, argument('shape') ?? 'bert-tiny');
    const all = steps + WARMUP_STEPS;
    const kernelMs = [...totals.values()].reduce((sum, entry) => sum + entry.ms, 0) / all;
    console.log(`${backend} ${loss}: median ${timing.msPerStep.toFixed(0)} ms/step (CPU ${timing.cpuMsPerStep.toFixed(0)}), kernels ${kernelMs.toFixed(0)} ms/step`);
    for (const [name, entry] of [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) {
      console.log(`  ${name.padEnd(40)} ${(entry.ms / all).toFixed(1).padStart(7)} ms  x${Math.round(entry.calls / all)}`);
    }
  }
}

await main();
