// Batched vs sequential ablation passes (config.batchedAblations): ms per training step for the
// baseline and for comparative C = 1, 2, 4, on one backend (default wasm, the desktop default).
// Run: npx tsx bench/ablation-passes.ts [--steps 5] [--rounds 3] [--backend wasm]. Prints ONE JSON object.
import { cpus } from 'node:os';
import { type BackendPreference, selectBackend } from '../main/kernels/backends';
import { DEFAULT_MODEL, type RunConfig } from '../shared/schemas';
import { argument, BATCH_SIZE, SEQ_LENGTH, timeSteps } from './bench-step';

async function main(): Promise<void> {
  const steps = Math.max(1, Number(argument('steps') ?? 5));
  const backend = await selectBackend((argument('backend') ?? 'wasm') as BackendPreference);
  const rounds = Math.max(1, Number(argument('rounds') ?? 3));
  // Round-robin over every configuration, best median per configuration: on a 2-core laptop a
  // single pass is at the mercy of whatever else runs, and noise only ever adds time.
  const configs: Array<[string, Partial<RunConfig>]> = [['baseline', { loss: 'baseline' }]];
  for (const ablations of [1, 2, 4]) {
    for (const batchedAblations of [true, false]) configs.push([`C${ablations}-${batchedAblations ? 'batched' : 'sequential'}`, { loss: 'comparative', ablations, batchedAblations }]);
  }
  const best = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, patch] of configs) best.set(name, Math.min(best.get(name) ?? Infinity, timeSteps(patch, steps).msPerStep));
  }
  const baseline = { msPerStep: best.get('baseline')! };
  const comparative = [1, 2, 4].map((ablations) => {
    const batchedMs = best.get(`C${ablations}-batched`)!;
    const sequentialMs = best.get(`C${ablations}-sequential`)!;
    return { ablations, batchedMs, sequentialMs, sequentialOverBatched: sequentialMs / batchedMs };
  });
  const report = {
    what: 'median ms per training step (all copies forward + backward + clipping + AdamW), after 3 warm-up steps, best of `rounds` round-robin passes',
    backend,
    model: DEFAULT_MODEL,
    batchSize: BATCH_SIZE,
    seqLength: SEQ_LENGTH,
    timedSteps: steps,
    rounds,
    cpus: cpus().length,
    baselineMs: baseline.msPerStep,
    comparative,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

await main();
