// The comparative loss for question answering (the reference's CmpQA: the start losses and the end
// losses ranked separately, the two averaged; docs/method.md#question-answering) against PyTorch
// autograd of the paper's formula (test/reference/cmpqa_reference.py, float64): our
// partsObjectiveTerms over questionAnsweringHead's start/end losses, and its gradient with respect
// to the model outputs, for C = 1..3, every target and two temperatures; plus the baseline loss.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { questionAnsweringHead } from '../../main/tasks/question-answering';
import type { SpanTarget } from '../../main/tasks/task-head';
import { type ObjectiveSettings, partsObjectiveTerms } from '../../main/training/objectives';
import { mulberry32, normalArray } from '../../shared/random';
import type { CmpTarget } from '../../shared/vocabulary';
import { torchPython, torchSkipNote } from '../helpers/torch-python';

const SCRIPT = fileURLToPath(new URL('../reference/cmpqa_reference.py', import.meta.url));
const BATCH = 4;
const POSITIONS = 16;
// float32 against float64: losses are a few units, so 1e-6 leaves ~10 ulps of float32 noise.
const TOLERANCE = 1e-6;

interface Case {
  batch: number;
  copies: number;
  target: CmpTarget;
  temperature: number;
  outputs: number[][];
  spans: SpanTarget[];
}

interface TorchResult {
  cmp: number;
  cmpGrad: number[][];
  baseline: number;
  baselineGrad: number[][];
  startLosses: number[];
  endLosses: number[];
}

/** Random spans: a context somewhere after the question, an answer inside it, or none (position 0). */
function randomSpans(seed: number): SpanTarget[] {
  const next = mulberry32(seed);
  const int = (from: number, to: number) => from + Math.floor(next() * (to - from)); // [from, to)
  return Array.from({ length: BATCH }, (_, i) => {
    const contextStart = int(2, POSITIONS / 2);
    const contextStop = int(contextStart + 2, POSITIONS + 1);
    // Example 0 always, the others at random, have no answer in this window.
    if (i === 0 || next() < 0.2) return { start: 0, end: 0, contextStart, contextStop };
    const start = int(contextStart, contextStop);
    return { start, end: int(start, contextStop), contextStart, contextStop };
  });
}

const CASES: Case[] = [];
for (const ablations of [1, 2, 3]) {
  for (const target of ['ultra', 'best', 'first'] as const) {
    for (const temperature of [1, 0.5]) {
      const seed = CASES.length + 1;
      const copies = 1 + ablations;
      // float32 values (normalArray), so both sides start from the same numbers exactly.
      const flat = normalArray(copies * BATCH * 2 * POSITIONS, 2, 1000 + seed);
      const outputs = Array.from({ length: copies * BATCH }, (_, r) => Array.from(flat.subarray(r * 2 * POSITIONS, (r + 1) * 2 * POSITIONS)));
      CASES.push({ batch: BATCH, copies, target, temperature, outputs, spans: randomSpans(seed) });
    }
  }
}

function runReference(python: string): TorchResult[] {
  const run = spawnSync(python, [SCRIPT], { input: JSON.stringify({ cases: CASES }), encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`${SCRIPT} failed (exit ${run.status}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as { cases: TorchResult[] }).cases;
}

const settingsOf = (c: Case): ObjectiveSettings => ({ objective: 'comparative', primary: 'max', hingeWeight: 1, target: c.target, temperature: c.temperature });

/** Ours, as main/training/training-step.ts arranges it: the value and d value / d outputs of `objective`. */
function ours(c: Case, objective: 'cmpqa' | 'baseline') {
  const targets = questionAnsweringHead.rowTargets({ labels: c.spans.map(() => 0), spans: [c.spans] }, c.copies, 0);
  const outputs = tf.tensor2d(c.outputs, undefined, 'float32');
  const loss = (x: tf.Tensor) => {
    if (objective === 'baseline') return tf.mean(questionAnsweringHead.perExampleLoss(x as tf.Tensor2D, targets)) as tf.Scalar;
    const tables = questionAnsweringHead.perExampleLossParts!(x as tf.Tensor2D, targets).map((perRow) => tf.transpose(tf.reshape(perRow, [c.copies, c.batch])) as tf.Tensor2D);
    const { total, comparative } = partsObjectiveTerms(tables, settingsOf(c));
    comparative.dispose();
    return total;
  };
  const { value, grad } = tf.valueAndGrad(loss)(outputs);
  const parts = questionAnsweringHead.perExampleLossParts!(outputs, targets);
  const result = { value: value.dataSync()[0], grad: grad.arraySync() as number[][], start: Array.from(parts[0].dataSync()), end: Array.from(parts[1].dataSync()) };
  tf.dispose([outputs, value, grad, ...parts, ...Object.values(targets)]);
  return result;
}

const largestDifference = (a: number[][] | number[], b: typeof a) => {
  const x = a.flat();
  const y = b.flat();
  expect(x.length).toBe(y.length);
  return Math.max(...x.map((v, i) => Math.abs(v - y[i])));
};

const python = torchPython();
const caseName = (c: Case) => `C = ${c.copies - 1}, target ${c.target}, T = ${c.temperature}`;
const SKIPPED = torchSkipNote(python);

describe.skipIf(python === null)(`CmpQA against PyTorch autograd${SKIPPED}`, () => {
  let reference: TorchResult[] = [];
  beforeAll(async () => {
    await selectBackend('cpu');
    reference = runReference(python!);
  });

  it('the random data has answerless windows, answers at the context edges, and hinges on both sides of 0', () => {
    // The comparison means something only if pairs are both in and out of order.
    let ordered = 0;
    let reversed = 0;
    reference.forEach((r) => {
      for (const losses of [r.startLosses, r.endLosses]) {
        for (let i = 0; i < losses.length; i++) for (let j = i + BATCH; j < losses.length; j += BATCH) (losses[i] < losses[j] ? ordered++ : reversed++);
      }
    });
    expect(ordered).toBeGreaterThan(50);
    expect(reversed).toBeGreaterThan(50);
    expect(CASES.every((c) => c.spans[0].start === 0)).toBe(true);
    expect(CASES.some((c) => c.spans.some((s) => s.start > 0 && s.end === s.contextStop - 1))).toBe(true);
  });

  it.each(CASES.map((c, i) => [caseName(c), i] as const))('%s: per-row start and end losses, the objective and its gradient', (_name, i) => {
    const c = CASES[i];
    const r = reference[i];
    const got = ours(c, 'cmpqa');
    expect(largestDifference(got.start, r.startLosses)).toBeLessThan(TOLERANCE);
    expect(largestDifference(got.end, r.endLosses)).toBeLessThan(TOLERANCE);
    expect(Math.abs(got.value - r.cmp)).toBeLessThan(TOLERANCE);
    expect(largestDifference(got.grad, r.cmpGrad)).toBeLessThan(TOLERANCE);
    // Positions outside the context (position 0 aside) get exactly no gradient.
    c.outputs.forEach((_, row) => {
      const span = c.spans[row % BATCH];
      for (let t = 1; t < POSITIONS; t++) {
        if (t >= span.contextStart && t < span.contextStop) continue;
        expect(got.grad[row][t]).toBe(0);
        expect(got.grad[row][POSITIONS + t]).toBe(0);
      }
    });
  });

  it.each([0, 7, 17])('baseline (case %i): the mean over rows of (start + end) / 2 and its gradient', (i) => {
    const got = ours(CASES[i], 'baseline');
    expect(Math.abs(got.value - reference[i].baseline)).toBeLessThan(TOLERANCE);
    expect(largestDifference(got.grad, reference[i].baselineGrad)).toBeLessThan(TOLERANCE);
  });
});
