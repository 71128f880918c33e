// `npm run bench [-- --json] [--only step,pytorch,qa,import,sqlite,lag,chart] [--steps 10]
//   [--shapes bert-tiny,default] [--backends tensorflow,wasm+openblas,wasm,cpu]`
// Every speed number of docs/benchmarks.md in one run (about 10 minutes on 2 cores):
// - step: ms per training step per backend that loads, BERT-tiny shape and the built-in model,
//   baseline and comparative C = 2 (bench/step-time.ts, one child process per backend and shape,
//   with its peak RSS);
// - pytorch: the same model, batch and loss in PyTorch (bench/pytorch_step.py, 2 threads) when a
//   python3 with torch is found, and ours / PyTorch per shape and loss;
// - qa: a question-answering step (task qa, CmpQA) at BERT-tiny's shape, batch 16 x 384 tokens,
//   ours on wasm+openblas and PyTorch (bench/qa-step.ts, bench/pytorch_qa_step.py);
// - import: MB/s of a generated 1M-row CSV (bench/import-speed.ts);
// - sqlite: metric inserts per second; lag: the services' event-loop delay while a trainer trains
//   (bench/services-bench.ts); chart: uPlot drawing 2 x 100k points in Chromium (chart-bench.ts).
// --json prints ONE JSON object; without it, the same object pretty-printed with a summary table.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { argument, BATCH_SIZE, BENCH_MODELS, SEQ_LENGTH, WARMUP_STEPS } from './bench-step';
import { chartDraw } from './chart-bench';
import { eventLoopLag, sqliteInserts } from './services-bench';
import { qaStepTimes } from './qa-step';
import { OPENBLAS_THREAD_TIMEOUT, openBlasCoreType } from '../main/kernels/openblas-kernels';
import { measureInChild } from './step-time';

const PARTS = ['step', 'pytorch', 'qa', 'import', 'sqlite', 'lag', 'chart'] as const;
const BACKENDS = ['tensorflow', 'wasm+openblas', 'wasm', 'cpu'];
/**
 * The pure-JS fallback needs over 5 minutes for the built-in model's 26 steps on 2 cores and far
 * longer at BERT-tiny's shape: timed only when --backends names it, on the built-in model.
 */
const SLOW_BACKEND_SHAPES: Record<string, string[]> = { cpu: ['default'] };
const OPT_IN_BACKENDS = new Set(['cpu']);
/** 4A's BERT is timed on the backend 'auto' picks here, not on every one (bench time). */
const MAIN_BACKENDS_ONLY = new Set(['bert-tiny-hf']);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

type Json = Record<string, unknown>;

function stepTimes(steps: number): Json {
  const shapes: Json = {};
  for (const shape of (argument('shapes') ?? Object.keys(BENCH_MODELS).join(',')).split(',')) {
    const backends: Json = {};
    const named = argument('backends')?.split(',');
    for (const backend of named ?? BACKENDS) {
      if (!named && OPT_IN_BACKENDS.has(backend)) {
        backends[backend] = { requested: backend, available: false, reason: 'skipped: pure-JS fallback, minutes per step; --backends ...,cpu times it' };
        continue;
      }
      if (MAIN_BACKENDS_ONLY.has(shape) && backend !== 'wasm+openblas') {
        backends[backend] = { requested: backend, available: false, reason: 'skipped: this model is timed on wasm+openblas only' };
        continue;
      }
      if (SLOW_BACKEND_SHAPES[backend] && !SLOW_BACKEND_SHAPES[backend].includes(shape)) {
        backends[backend] = { requested: backend, available: false, reason: 'skipped: pure JS, minutes per step at this shape' };
        continue;
      }
      backends[backend] = measureInChild(backend, steps, shape);
    }
    shapes[shape] = { model: BENCH_MODELS[shape].model, architecture: BENCH_MODELS[shape].architecture, backends };
  }
  return shapes;
}

function findTorchPython(): string | null {
  // Debian's python3-torch lives in the system python; a pyenv/venv python3 first on PATH may lack it.
  for (const python of [process.env.COMPARO_PYTHON, 'python3', '/usr/bin/python3']) {
    if (python && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

/** OpenBLAS's kernel family and idle-spin time, as our addon sets them (openblas-kernels.ts). */
function coreType(): Record<string, string> {
  const type = process.env.OPENBLAS_CORETYPE ?? openBlasCoreType();
  const timeout = { OPENBLAS_THREAD_TIMEOUT: process.env.OPENBLAS_THREAD_TIMEOUT ?? OPENBLAS_THREAD_TIMEOUT };
  return type ? { OPENBLAS_CORETYPE: type, ...timeout } : timeout;
}

function pytorchTimes(steps: number): Json {
  const python = findTorchPython();
  if (!python) return { available: false, reason: 'no python3 with torch found (Debian: apt-get install python3-torch)' };
  const shapes = argument('shapes') ?? Object.keys(BENCH_MODELS).join(',');
  const run = spawnSync(python, [here('./pytorch_step.py'), '--steps', String(steps), '--threads', '2', '--shapes', shapes], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    // OpenBLAS and OpenMP threads, as torch.set_num_threads(2) sets its own pool.
    // and the OpenBLAS kernels for this CPU, as our addon picks them (openblas-kernels.ts).
    env: { ...process.env, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2', ...coreType() },
  });
  try {
    return { available: true, python, openblasCoreType: coreType().OPENBLAS_CORETYPE ?? null, ...(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as Json) };
  } catch {
    return { available: false, reason: `pytorch_step.py failed (exit ${run.status}): ${run.stderr.trim().slice(-300)}` };
  }
}

interface Timing {
  msPerStep: number;
  cpuMsPerStep: number;
}

/** ours / PyTorch for every shape, loss and available backend of ours. */
function ratios(step: Json | undefined, pytorch: Json | undefined): Json | undefined {
  const torchShapes = pytorch?.shapes as Record<string, Record<string, Timing>> | undefined;
  if (!step || !torchShapes) return undefined;
  const result: Json = {};
  for (const [shape, entry] of Object.entries(step)) {
    const torch = torchShapes[shape];
    if (!torch) continue;
    const perBackend: Json = {};
    for (const [backend, r] of Object.entries((entry as { backends: Record<string, Json> }).backends)) {
      if (!r.available) continue;
      const ours = r as unknown as Record<'baseline' | 'comparative', Timing>;
      perBackend[backend] = {
        baseline: +(ours.baseline.msPerStep / torch.baseline.msPerStep).toFixed(2),
        comparative: +(ours.comparative.msPerStep / torch.comparative.msPerStep).toFixed(2),
        baselineCpu: +(ours.baseline.cpuMsPerStep / torch.baseline.cpuMsPerStep).toFixed(2),
        comparativeCpu: +(ours.comparative.cpuMsPerStep / torch.comparative.cpuMsPerStep).toFixed(2),
      };
    }
    result[shape] = perBackend;
  }
  return { what: 'our ms per step / PyTorch ms per step (same shape, batch, loss); *Cpu: the same for CPU time per step', ...result };
}

function importSpeed(): Json {
  const run = spawnSync(process.execPath, [...process.execArgv, here('./import-speed.ts'), '--rows', '1000000'], { encoding: 'utf8', maxBuffer: 1 << 22 });
  try {
    return JSON.parse(run.stdout) as Json;
  } catch {
    return { available: false, reason: `import-speed.ts failed (exit ${run.status}): ${run.stderr.trim().slice(-300)}` };
  }
}

function summaryTable(report: Json): string {
  const lines = ['| shape | backend | baseline ms | comparative ms | cmp / base | ours / PyTorch (base, cmp) | peak RSS MB |', '| --- | --- | --- | --- | --- | --- | --- |'];
  const step = (report.step ?? {}) as Record<string, { backends: Record<string, Json> }>;
  const ratio = (report.oursOverPytorch ?? {}) as Record<string, Record<string, { baseline: number; comparative: number }>>;
  for (const [shape, entry] of Object.entries(step)) {
    for (const [backend, r] of Object.entries(entry.backends)) {
      if (!r.available) continue;
      const t = r as unknown as { baseline: Timing; comparative: Timing; comparativeOverBaseline: number; peakRssMb: number };
      const vs = ratio[shape]?.[backend];
      lines.push(`| ${shape} | ${backend} | ${t.baseline.msPerStep.toFixed(0)} | ${t.comparative.msPerStep.toFixed(0)} | ${t.comparativeOverBaseline.toFixed(2)} | ${vs ? `${vs.baseline}, ${vs.comparative}` : '-'} | ${t.peakRssMb} |`);
    }
  }
  const torch = (report.pytorch as { shapes?: Record<string, { baseline: Timing; comparative: Timing; comparativeOverBaseline: number }> } | undefined)?.shapes;
  for (const [shape, t] of Object.entries(torch ?? {})) {
    lines.push(`| ${shape} | PyTorch | ${t.baseline.msPerStep.toFixed(0)} | ${t.comparative.msPerStep.toFixed(0)} | ${t.comparativeOverBaseline.toFixed(2)} | 1, 1 | - |`);
  }
  const qa = report.qa as { ours?: Json; pytorch?: Json; oursOverPytorch?: { baseline: number; comparative: number } } | undefined;
  for (const [side, r] of [['wasm+openblas', qa?.ours], ['PyTorch', qa?.pytorch]] as const) {
    if (!r?.available) continue;
    const t = r as unknown as { baseline: Timing; comparative: Timing };
    const vs = side === 'PyTorch' ? '1, 1' : qa?.oursOverPytorch ? `${qa.oursOverPytorch.baseline}, ${qa.oursOverPytorch.comparative}` : '-';
    lines.push(`| qa bert-tiny 16x384 | ${side} | ${t.baseline.msPerStep.toFixed(0)} | ${t.comparative.msPerStep.toFixed(0)} | ${(t.comparative.msPerStep / t.baseline.msPerStep).toFixed(2)} | ${vs} | ${(r.peakRssMb as number | undefined) ?? '-'} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const only = new Set((argument('only') ?? PARTS.join(',')).split(','));
  const unknown = [...only].filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length) throw new Error(`unknown --only part(s): ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  const steps = Math.max(10, Number(argument('steps') ?? 10));
  const report: Json = {
    what: 'npm run bench -- --json: training step times (median ms after warm-up), PyTorch reference, import, SQLite, event-loop lag, chart draw',
    host: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, loadAverageAtStart: loadavg() },
    batchSize: BATCH_SIZE,
    seqLength: SEQ_LENGTH,
    ablations: 2,
    warmupSteps: WARMUP_STEPS,
    timedSteps: steps,
  };
  if (only.has('step')) report.step = stepTimes(steps);
  if (only.has('pytorch')) report.pytorch = pytorchTimes(steps);
  const vs = ratios(report.step as Json | undefined, report.pytorch as Json | undefined);
  if (vs) report.oursOverPytorch = vs;
  // A QA step is ~5x a classification step (384 tokens): fewer timed steps keep the part near a minute.
  if (only.has('qa')) report.qa = qaStepTimes(Math.max(3, Math.round(steps / 2)), 'wasm+openblas', findTorchPython(), { ...process.env, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2', ...coreType() });
  if (only.has('import')) report.import = importSpeed();
  if (only.has('sqlite')) report.sqlite = await sqliteInserts();
  if (only.has('lag')) report.eventLoopLag = await eventLoopLag();
  if (only.has('chart')) report.chart = await chartDraw();
  report.loadAverageAtEnd = loadavg();
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(report) + '\n');
  } else {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n\n' + summaryTable(report) + '\n');
  }
}

await main();
