// Training step time per backend, baseline vs comparative (C = 2), for one model shape (default:
// the built-in model; --shape bert-tiny for BERT-tiny's dimensions). bench/index.ts runs this.
// Run: npx tsx bench/step-time.ts [--steps 10] [--shape default] [--backends tensorflow,wasm+openblas,wasm,cpu]
// Prints ONE JSON object on stdout. Backend selection is global to a tfjs process, so each
// backend is measured in its own child process (this same file with --child <backend>).
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BackendPreference, selectBackend } from '../main/kernels/backends';
import { argument, BATCH_SIZE, BENCH_MODELS, type LossTiming, SEQ_LENGTH, timeSteps, WARMUP_STEPS } from './bench-step';

interface BackendResult {
  requested: string;
  backend?: string;
  available: boolean;
  reason?: string;
  baseline?: LossTiming;
  comparative?: LossTiming;
  comparativeOverBaseline?: number;
  /** Peak resident memory of the process that timed this backend (MB). */
  peakRssMb?: number;
}

const shapeName = () => argument('shape') ?? 'default';
const timeLoss = (loss: 'baseline' | 'comparative', steps: number) => timeSteps({ loss, ablations: 2 }, steps, shapeName());

async function measureInThisProcess(requested: BackendPreference, timedSteps: number): Promise<BackendResult> {
  if (!BENCH_MODELS[shapeName()]) throw new Error(`unknown --shape ${shapeName()} (${Object.keys(BENCH_MODELS).join(', ')})`);
  const backend = await selectBackend(requested);
  const matches = requested === 'tensorflow' ? backend.startsWith('tensorflow') : backend === requested;
  if (!matches) return { requested, backend, available: false, reason: `not loadable here (fell back to ${backend})` };
  const baseline = timeLoss('baseline', timedSteps);
  const comparative = timeLoss('comparative', timedSteps);
  const peakRssMb = +(process.resourceUsage().maxRSS / 1024).toFixed(1);
  return { requested, backend, available: true, baseline, comparative, comparativeOverBaseline: comparative.msPerStep / baseline.msPerStep, peakRssMb };
}

export function measureInChild(requested: string, timedSteps: number, shape: string): BackendResult {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawnSync(
    process.execPath,
    ['--import', tsx, fileURLToPath(import.meta.url), '--child', requested, '--steps', String(timedSteps), '--shape', shape],
    // 2 OpenBLAS threads, as the PyTorch reference's torch.set_num_threads(2) (trainers default to 1).
    { encoding: 'utf8', maxBuffer: 1 << 20, env: { COMPARO_OPENBLAS_THREADS: '2', ...process.env } },
  );
  const lastLine = child.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(lastLine) as BackendResult;
  } catch {
    return { requested, available: false, reason: `child failed (exit ${child.status}): ${child.stderr.trim().slice(-300)}` };
  }
}

async function main(): Promise<void> {
  const timedSteps = Math.max(1, Number(argument('steps') ?? 10));
  const child = argument('child');
  if (child) {
    process.stdout.write(JSON.stringify(await measureInThisProcess(child as BackendPreference, timedSteps)) + '\n');
    return;
  }
  const backends = (argument('backends') ?? 'tensorflow,wasm+openblas,wasm,cpu').split(',');
  const results = backends.map((backend) => measureInChild(backend, timedSteps, shapeName()));
  const report = {
    what: 'ms per training step (forward + backward + clipping + AdamW), median after warm-up',
    shape: shapeName(),
    model: BENCH_MODELS[shapeName()].model,
    architecture: BENCH_MODELS[shapeName()].architecture,
    batchSize: BATCH_SIZE,
    seqLength: SEQ_LENGTH,
    ablations: 2,
    warmupSteps: WARMUP_STEPS,
    timedSteps,
    host: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: loadavg() },
    backends: Object.fromEntries(results.map((result) => [result.requested, result])),
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

// Only as a script or a child: bench/index.ts imports measureInChild.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
