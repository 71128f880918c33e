// Gradients of one micro-batch. Baseline: one copy at dropout p, mean task loss. Comparative:
// copies [full, ablated 1..C] (CmpDrop rates, CmpCrop inputs, or both alternated), per-example
// task loss of each copy -> [B, 1 + C] -> the objective (objectives.ts). The copies run either as
// ONE batched forward (stacked on the batch axis) or one after another with the same site seeds,
// hence the same nested masks: both give the same loss and gradients (test/unit/ablation-passes).
import * as tf from '@tensorflow/tfjs';
import type { RunConfig, Task } from '../../shared/schemas';
import { type BatchTargets, disposeRowTargets, type TaskHead, taskHead } from '../tasks/registry';
import { padRows } from './batching';
import { ablationRates } from './comparative-loss';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { partsObjectiveTerms } from './objectives';

export type LossSettings = Pick<
  RunConfig,
  'loss' | 'ablations' | 'crops' | 'target' | 'temperature' | 'dropout' | 'objective' | 'primary' | 'hingeWeight' | 'batchedAblations'
>;

/** One model copy: every dropout site's rate and the crop level of its input (0 = full input). */
export interface CopySpec {
  rate: number;
  crop: number;
}

/**
 * Copies in list order (= expected rank). With crops and drops both on they alternate, as the
 * doc states: crop 1; crop 1 + drop 1; crop 2 + drop 1; crop 2 + drop 2; ... and once one kind
 * runs out the other continues. Every copy is at least as ablated as the one before it.
 */
export function copySpecs(settings: Pick<LossSettings, 'loss' | 'ablations' | 'crops' | 'dropout'>): CopySpec[] {
  if (settings.loss !== 'comparative') return [{ rate: settings.dropout, crop: 0 }];
  const rates = ablationRates(settings.dropout, settings.ablations);
  const specs: CopySpec[] = [{ rate: 0, crop: 0 }];
  if (settings.crops === 0) return [...specs, ...rates.map((rate) => ({ rate, crop: 0 }))];
  let crop = 0;
  let drop = 0;
  while (crop < settings.crops || drop < settings.ablations) {
    const cropTurn = crop < settings.crops && (drop >= settings.ablations || crop <= drop);
    if (cropTurn) crop++;
    else drop++;
    specs.push({ rate: drop === 0 ? 0 : rates[drop - 1], crop });
  }
  return specs;
}

export interface StepInput extends BatchTargets {
  /** inputs[c][i]: example i's token ids at crop level c (0 = the full input). */
  inputs: number[][][];
  /** Class id (classification) or target value (regression); unused for multilabel and QA. */
  labels: number[];
  /** Multilabel: 0/1 per label per example. */
  multiHot?: number[][];
}

export interface StepOutcome {
  /** The objective that was minimised (mean task loss for baseline). */
  loss: number;
  /** Batch mean of each copy's task loss, l0..lC in copy order (baseline: [l0]). */
  copyLosses: number[];
  /** The comparative term inside the objective (objectives.ts objectiveTerms; null for baseline). */
  cmpLoss: number | null;
}

/** Copies in order, split into runs of one crop level (copySpecs never returns to a lower one). */
function runsOfSameCrop(specs: CopySpec[]): CopySpec[][] {
  const runs: CopySpec[][] = [];
  for (const spec of specs) {
    const last = runs.at(-1);
    if (last && last[0].crop === spec.crop) last.push(spec);
    else runs.push([spec]);
  }
  return runs;
}

/** The head's loss parts per row (one part for most heads; QA's start and end). */
function lossParts(head: TaskHead, outputs: tf.Tensor2D, targets: ReturnType<TaskHead['rowTargets']>): tf.Tensor1D[] {
  return head.perExampleLossParts ? head.perExampleLossParts(outputs, targets) : [head.perExampleLoss(outputs, targets)];
}

/**
 * Per-row task losses [copies * B] of every copy, one tensor per loss part, batched or sequential. Each copy is padded to
 * its own crop level's longest input, not the full input's: cropped copies are shorter, and
 * padding them to full length was wasted work (docs/benchmarks.md). Batched, the copies of one
 * crop level run as ONE forward sharing the embedding lookup; sequential, one forward per copy.
 * Both draw the same masks (per site, one uniform shaped like one copy at that length), so they
 * give the same loss and gradients.
 */
function copyLossRows(model: SequenceClassifier, input: StepInput, specs: CopySpec[], head: TaskHead, stepSeed: number, batched: boolean): tf.Tensor1D[] {
  const groups = batched ? runsOfSameCrop(specs) : specs.map((spec) => [spec]);
  const perGroup = groups.map((group) => {
    const rows = input.inputs[group[0].crop];
    const { ids, mask } = padRows(rows, Math.max(1, ...rows.map((row) => row.length)));
    const targets = head.rowTargets(input, group.length, group[0].crop);
    try {
      return lossParts(head, model.logits(ids, mask, group.map((spec) => spec.rate), stepSeed), targets);
    } finally {
      ids.dispose();
      mask.dispose();
      disposeRowTargets(targets);
    }
  });
  return perGroup[0].map((_, part) => (perGroup.length === 1 ? perGroup[0][part] : (tf.concat(perGroup.map((parts) => parts[part])) as tf.Tensor1D)));
}

export interface StepGradients {
  /** One gradient per model variable, in model.variables order (caller disposes). */
  grads: tf.Tensor[];
  outcome: StepOutcome;
}

export function stepGradients(
  model: SequenceClassifier,
  input: StepInput,
  settings: LossSettings,
  task: Task,
  stepSeed: number,
  batched = settings.batchedAblations,
): StepGradients {
  const specs = copySpecs(settings);
  const batchSize = input.labels.length;
  const comparative = settings.loss === 'comparative';
  const head = taskHead(task);
  const kept: { copyMeans?: tf.Tensor; cmp?: tf.Scalar } = {};
  const { value, grads } = tf.variableGrads(() => {
    const parts = copyLossRows(model, input, specs, head, stepSeed, batched);
    const tables = parts.map((perRow) => tf.transpose(tf.reshape(perRow, [specs.length, batchSize])) as tf.Tensor2D); // [B, copies] each
    // The task loss is the parts' mean (QA: (start + end) / 2).
    const taskLosses = tables.length === 1 ? tables[0] : (tf.div(tf.addN(tables), tables.length) as tf.Tensor2D);
    // Kept past variableGrads' internal tidy so the per-copy means and the comparative term can be reported.
    kept.copyMeans = tf.keep(tf.mean(taskLosses, 0));
    if (!comparative) return tf.mean(parts.length === 1 ? parts[0] : taskLosses) as tf.Scalar;
    // Each part is ranked on its own and the objectives averaged (the reference's CmpQA for start and end).
    const terms = partsObjectiveTerms(tables, settings);
    kept.cmp = tf.keep(terms.comparative);
    return terms.total;
  }, model.variables);
  const loss = value.dataSync()[0];
  value.dispose();
  const copyLosses = kept.copyMeans ? Array.from(kept.copyMeans.dataSync()) : [];
  const cmpLoss = kept.cmp ? kept.cmp.dataSync()[0] : null;
  kept.copyMeans?.dispose();
  kept.cmp?.dispose();
  return {
    grads: model.variables.map((variable) => grads[variable.name]),
    outcome: { loss, copyLosses, cmpLoss },
  };
}

export interface EvaluationBatchResult {
  losses: number[];
  /** Raw model outputs per example (logits; regression: one value). */
  outputs: number[][];
}

/** Full model only (dropout off): per-example task loss and raw outputs for one batch. */
export function evaluationBatch(model: SequenceClassifier, input: StepInput, task: Task, rate = 0, seed = 0): EvaluationBatchResult {
  const length = Math.max(1, ...input.inputs[0].map((ids) => ids.length));
  const { ids, mask } = padRows(input.inputs[0], length);
  const head = taskHead(task);
  const targets = head.rowTargets(input, 1);
  const [losses, logits] = tf.tidy(() => {
    const out = model.logits(ids, mask, [rate], seed);
    return [head.perExampleLoss(out, targets), out];
  });
  ids.dispose();
  mask.dispose();
  disposeRowTargets(targets);
  const width = logits.shape[1];
  const flat = logits.dataSync();
  const result = {
    losses: Array.from(losses.dataSync()),
    outputs: Array.from({ length: logits.shape[0] }, (_, r) => Array.from(flat.subarray(r * width, (r + 1) * width))),
  };
  losses.dispose();
  logits.dispose();
  return result;
}
