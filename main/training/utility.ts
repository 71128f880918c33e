// Neuronal utility of a trained model (docs/method.md#neuronal-utility):
// the validation metric at ablation levels k = 0..L and the share of validation examples on which
// some ablated copy (k >= 1, any draw) has a lower task loss than the full model.
// Drop: every dropout site at 1-(1-p)^k, nested masks, all levels in ONE batched forward per draw.
// Crop: level k keeps a share 1 - k/(L+1) of each input's optional segments (nested, required
// segments kept). We chose that linear schedule over (1-p)^k because with p = 0.1 the latter keeps
// 90%..53% of a handful of sentences, which rounds to "no crop" for most short inputs.
import * as tf from '@tensorflow/tfjs';
import { mixSeed, mulberry32 } from '../../shared/random';
import type { Task } from '../../shared/schemas';
import { chunk, padRows } from './batching';
import { ablationRates } from './comparative-loss';
import { cropIds, shareCrops } from './crops';
import { disposeRowTargets, type ScoreOptions, type SpanTarget, taskHead } from '../tasks/registry';
import { cropPositions, cropSpan } from './qa-encoding';
import { type EvalExample, scoreOutputs, stepInputOf } from './evaluation';
import type { SequenceClassifier } from '../models/sequence-classifier';
import type { UtilityLevel } from './protocol';

const UTILITY_BATCH = 32;
// A removed token's logit in a crop's outputs put back on the full window: below any real logit.
const REMOVED_TOKEN = -1e9;

export interface UtilityOptions {
  task: Task;
  labelNames: string[];
  levels: number;
  draws: number;
  dropout: number;
  seed: number;
  /** Called between batches: lets the loop yield (pause/cancel); false aborts. */
  yieldControl: () => Promise<boolean>;
  /** How every level is scored (question answering: the threshold validation chose, kept for all levels). */
  scoring?: ScoreOptions;
}

export interface UtilityResult {
  levels: UtilityLevel[];
  beatenShare: number;
}

export function cropShares(levels: number): number[] {
  return Array.from({ length: levels + 1 }, (_, k) => 1 - k / (levels + 1));
}

/**
 * Runs every level of one batch as copies stacked on the batch axis. Returns per-level
 * per-example losses and outputs ([level][example]).
 */
function levelPass(model: SequenceClassifier, examples: EvalExample[], rowsPerLevel: number[][][], rates: number[], task: Task, seed: number, spansPerLevel?: SpanTarget[][]) {
  const levels = rowsPerLevel.length;
  const length = Math.max(1, ...examples.map((e) => e.input.ids.length));
  const { ids, mask } = padRows(rowsPerLevel.flat(), length);
  const head = taskHead(task);
  // Question answering: each crop level has its own answer positions, so the rows' targets are listed, not repeated.
  const targets = spansPerLevel
    ? head.rowTargets({ labels: spansPerLevel.flat().map(() => 0), spans: [spansPerLevel.flat()] }, 1)
    : head.rowTargets(stepInputOf(examples), levels);
  const [losses, logits] = tf.tidy(() => {
    const out = model.stackedLogits(ids, mask, rates, seed);
    return [head.perExampleLoss(out, targets), out];
  });
  const lossValues = losses.dataSync();
  const flat = logits.dataSync();
  const width = logits.shape[1];
  const b = examples.length;
  const result = Array.from({ length: levels }, (_, k) => ({
    losses: Array.from(lossValues.subarray(k * b, (k + 1) * b)),
    outputs: Array.from({ length: b }, (_, i) => Array.from(flat.subarray((k * b + i) * width, (k * b + i + 1) * width))),
  }));
  for (const t of [ids, mask, losses, logits]) t.dispose();
  disposeRowTargets(targets);
  return result;
}

/**
 * A crop's per-token outputs ([2T]: start logits, then end logits) put back at the full window's
 * positions, the removed tokens at a logit no answer can take: decoding then reads the window's
 * own offsets, whatever the crop kept.
 */
function onFullWindow(output: readonly number[], positions: readonly number[], fullLength: number): number[] {
  const padded = output.length / 2;
  const full = new Array<number>(2 * fullLength).fill(REMOVED_TOKEN);
  positions.forEach((position, j) => {
    full[position] = output[j];
    full[fullLength + position] = output[padded + j];
  });
  return full;
}

/** kind 'drop' or 'crop'; null when aborted. */
export async function neuronalUtility(
  model: SequenceClassifier,
  validation: EvalExample[],
  kind: 'drop' | 'crop',
  options: UtilityOptions,
): Promise<UtilityResult | null> {
  const { levels, draws, task, labelNames } = options;
  const rates = kind === 'drop' ? [0, ...ablationRates(options.dropout, levels)] : new Array<number>(levels + 1).fill(0);
  const shares = cropShares(levels);
  // losses/outputs[draw][level][example], in validation order.
  const losses: number[][][] = Array.from({ length: draws }, () => Array.from({ length: levels + 1 }, () => []));
  const outputs: number[][][][] = Array.from({ length: draws }, () => Array.from({ length: levels + 1 }, () => []));
  const batches = chunk(validation, UTILITY_BATCH);
  for (let draw = 0; draw < draws; draw++) {
    for (let b = 0; b < batches.length; b++) {
      const examples = batches[b];
      const seed = mixSeed(options.seed, 0x7717, kind === 'drop' ? 1 : 2, draw, b);
      let rows: number[][][];
      let kept: number[][][] | null = null;
      if (kind === 'drop') {
        rows = rates.map(() => examples.map((e) => e.input.ids));
      } else {
        const crops = examples.map((e, i) => shareCrops(e.input, shares.slice(1), mulberry32(mixSeed(seed, i))));
        const all = (e: EvalExample) => e.input.segments.map((_, s) => s);
        kept = shares.map((_, k) => examples.map((e, i) => (k === 0 ? all(e) : crops[i][k - 1])));
        rows = shares.map((_, k) => examples.map((e, i) => (k === 0 ? e.input.ids : cropIds(e.input, crops[i][k - 1]))));
      }
      const spans = examples[0]?.span
        ? rows.map((_, k) => examples.map((e, i) => (kept && k > 0 ? cropSpan(e.input, kept[k][i], e.span!) : e.span!)))
        : undefined;
      const pass = levelPass(model, examples, rows, rates, task, seed, spans);
      pass.forEach((level, k) => {
        losses[draw][k].push(...level.losses);
        const tokenOutputs = spans !== undefined && kept !== null && k > 0;
        outputs[draw][k].push(
          ...(tokenOutputs ? level.outputs.map((o, i) => onFullWindow(o, cropPositions(examples[i].input, kept![k][i]), examples[i].input.ids.length)) : level.outputs),
        );
      });
      if (!(await options.yieldControl())) return null;
    }
  }
  const result: UtilityLevel[] = [];
  for (let k = 0; k <= levels; k++) {
    const sums: Record<string, number> = {};
    for (let draw = 0; draw < draws; draw++) {
      const { metrics } = scoreOutputs(task, validation, outputs[draw][k], losses[draw][k], labelNames, options.scoring);
      for (const [name, value] of Object.entries(metrics)) sums[name] = (sums[name] ?? 0) + value / draws;
    }
    result.push({ k, rate: kind === 'drop' ? rates[k] : shares[k], metrics: sums });
  }
  let beaten = 0;
  validation.forEach((_, i) => {
    const full = losses[0][0][i];
    if (losses.some((drawLosses) => drawLosses.slice(1).some((level) => level[i] < full))) beaten++;
  });
  return { levels: result, beatenShare: validation.length ? beaten / validation.length : 0 };
}
