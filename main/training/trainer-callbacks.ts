// What happens around the optimizer steps, as callbacks in the manner of HF Trainer's
// TrainerCallback and Lightning's ModelCheckpoint / EarlyStopping: progress reports, periodic
// validation with best-checkpoint selection and early stopping, periodic checkpoints, the selected
// checkpoint scored once on the held-out test split, and neuronal utility at the end. The loop in
// engine.ts only steps and calls them, in list order.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { chunk } from './batching';
import { BEST_CHECKPOINT, type Checkpoint, stepCheckpointName, writeCheckpoint } from './checkpoint';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { type EvalExample, type EvaluationResult, isLowerBetter, scoreOutputs, selectionMetricFor, stepInputOf } from './evaluation';
import type { AdamW } from './optimizer';
import type { StepSample, TrainerStartMessage, TrainerToParent } from './protocol';
import type { RunModel } from './run-model';
import { evaluationBatch } from './training-step';
import { neuronalUtility } from './utility';
import type { RunConfig, Task } from '../../shared/schemas';
import type { ScoreOptions } from '../tasks/registry';

const EVAL_BATCH_SIZE = 64;

export interface BestSoFar {
  score: number;
  step: number;
  metrics: Record<string, number>;
  weights: Float32Array[] | null;
}

/** The loop's state: what a checkpoint stores and every callback reads (HF's TrainerState). */
export interface TrainerState {
  step: number;
  /** ms spent in optimizer steps (setup and evaluations excluded; kept across resume). */
  trainingMs: number;
  /**
   * CPU ms (user + system, every thread of the trainer) spent in those steps: unlike wall time it
   * does not grow when other runs share the cores, so arms trained side by side stay comparable.
   */
  trainingCpuMs: number;
  lastMetrics: Record<string, number> | null;
  best: BestSoFar | null;
  /** Where the best model's weights are on disk (a resumed run's may be in the earlier folder). */
  bestFile: string | null;
  evalsWithoutImprovement: number;
  /** Set by early stopping: the loop ends after the current step. */
  shouldStop: boolean;
  /** Test metrics of the selected checkpoint, once scored. */
  testMetrics: Record<string, number> | null;
}

export interface TrainingLoop {
  readonly start: TrainerStartMessage;
  readonly config: RunConfig;
  readonly task: Task;
  readonly setup: RunModel;
  readonly model: SequenceClassifier;
  readonly optimizer: AdamW;
  readonly validation: EvalExample[];
  readonly test: EvalExample[];
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly startedAt: number;
  readonly state: TrainerState;
  emit(message: TrainerToParent): void;
  /** Yields to the event loop, waits while paused; false when the run was cancelled. */
  yieldControl(): Promise<boolean>;
}

export interface TrainerCallback {
  /** After each optimizer step (state.step already counts it); false: the run was cancelled. */
  onStepEnd?(loop: TrainingLoop, sample: StepSample): Promise<boolean> | boolean;
  /** After the last step; false: the run was cancelled. */
  onTrainEnd?(loop: TrainingLoop): Promise<boolean> | boolean;
}

export const snapshot = (model: SequenceClassifier): Float32Array[] => model.variables.map((v) => new Float32Array(v.dataSync() as Float32Array));

export function restoreWeights(model: SequenceClassifier, weights: Float32Array[]): void {
  tf.tidy(() => model.variables.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape))));
}

/** Full model (dropout off) over a split in length-sorted batches; results in split order. null: cancelled. */
export async function evaluateSplit(loop: TrainingLoop, examples: EvalExample[], options: ScoreOptions = {}): Promise<EvaluationResult | null> {
  // Sorted by length so each batch pads little; reported in split order.
  const batches = chunk([...examples].sort((a, b) => a.input.ids.length - b.input.ids.length), EVAL_BATCH_SIZE);
  const seen: EvalExample[] = [];
  const outputs: number[][] = [];
  const losses: number[] = [];
  for (const batch of batches) {
    const result = evaluationBatch(loop.model, stepInputOf(batch), loop.task);
    seen.push(...batch);
    outputs.push(...result.outputs);
    losses.push(...result.losses);
    if (!(await loop.yieldControl())) return null;
  }
  const order = seen.map((_, i) => i).sort((a, b) => seen[a].index - seen[b].index);
  const scoring = { maxAnswerLength: loop.config.qaMaxAnswerLength, ...options };
  return scoreOutputs(loop.task, order.map((i) => seen[i]), order.map((i) => outputs[i]), order.map((i) => losses[i]), loop.start.labelNames, scoring);
}

/** Everything needed to continue the run identically from this point. */
export function checkpointState(loop: TrainingLoop, bestPath: string | null): Checkpoint {
  const { state, model, setup } = loop;
  const optimizerState = loop.optimizer.getState();
  return {
    header: {
      runId: loop.start.runId,
      step: state.step,
      epoch: Math.floor(state.step / loop.stepsPerEpoch),
      stepInEpoch: state.step % loop.stepsPerEpoch,
      optimizerStep: optimizerState.step,
      vocabulary: setup.vocabulary,
      pretrained: setup.pretrained,
      bestScore: state.best?.score ?? null,
      bestStep: state.best?.step ?? null,
      bestMetrics: state.best?.metrics ?? null,
      bestPath,
      evalsWithoutImprovement: state.evalsWithoutImprovement,
      lastMetrics: state.lastMetrics,
      trainingMs: state.trainingMs,
      trainingCpuMs: state.trainingCpuMs,
      shapes: [...model.variables, ...model.variables, ...model.variables].map((v) => v.shape),
    },
    weights: snapshot(model),
    firstMoments: optimizerState.firstMoments,
    secondMoments: optimizerState.secondMoments,
  };
}

/** Whether validation runs after optimizer step `step` (1-based): every epoch end, and every evalEverySteps. */
export function isEvaluationStep(loop: TrainingLoop, step: number): boolean {
  const { evalEverySteps } = loop.config;
  return step % loop.stepsPerEpoch === 0 || (evalEverySteps > 0 && step % evalEverySteps === 0);
}

/** Batches step samples into progress messages at most every progressIntervalMs; never drops one. */
export class ProgressCallback implements TrainerCallback {
  private pending: StepSample[] = [];
  private lastAt = -Infinity;

  flush(loop: TrainingLoop): void {
    if (this.pending.length === 0) return;
    const { step, trainingMs } = loop.state;
    const msPerStep = trainingMs / Math.max(1, step);
    loop.emit({
      type: 'progress', step, totalSteps: loop.totalSteps, epoch: step / loop.stepsPerEpoch, elapsedMs: Date.now() - loop.startedAt,
      etaMs: step > 0 ? Math.round(msPerStep * (loop.totalSteps - step)) : null, samples: this.pending,
    });
    this.pending = [];
    this.lastAt = Date.now();
  }

  async onStepEnd(loop: TrainingLoop, sample: StepSample): Promise<boolean> {
    this.pending.push(sample);
    if (Date.now() - this.lastAt >= loop.start.progressIntervalMs) this.flush(loop);
    return loop.yieldControl();
  }

  onTrainEnd(loop: TrainingLoop): boolean {
    this.flush(loop);
    return true;
  }
}

/**
 * Validation at evaluation steps: keeps the best model on the selection metric (in memory and as
 * best.ckpt), stops early after `earlyStoppingPatience` evaluations without improvement, and at the
 * end puts the best weights back: the run's result is its selected checkpoint, as the paper keeps
 * the best dev checkpoint.
 */
export class ValidationCallback implements TrainerCallback {
  constructor(private readonly progress: ProgressCallback) {}

  async onStepEnd(loop: TrainingLoop): Promise<boolean> {
    if (!isEvaluationStep(loop, loop.state.step) || loop.validation.length === 0) return true;
    this.progress.flush(loop);
    loop.emit({ type: 'phase', phase: 'evaluating' });
    const result = await evaluateSplit(loop, loop.validation);
    if (!result) return false;
    const { state, config } = loop;
    state.lastMetrics = result.metrics;
    const metric = selectionMetricFor(loop.task, config.selectionMetric, result.metrics);
    const score = result.metrics[metric];
    const improved = !state.best || (isLowerBetter(metric) ? score < state.best.score : score > state.best.score);
    const bestPath = loop.start.checkpointDir ? join(loop.start.checkpointDir, BEST_CHECKPOINT) : null;
    if (improved) {
      state.best = { score, step: state.step, metrics: result.metrics, weights: snapshot(loop.model) };
      state.evalsWithoutImprovement = 0;
      if (bestPath) {
        writeCheckpoint(bestPath, checkpointState(loop, null));
        state.bestFile = bestPath;
      }
    } else {
      state.evalsWithoutImprovement++;
    }
    loop.emit({ type: 'eval', split: 'validation', step: state.step, epoch: state.step / loop.stepsPerEpoch, ...result, best: improved, trainingMs: state.trainingMs });
    loop.emit({ type: 'phase', phase: 'training' });
    if (config.earlyStoppingPatience > 0 && state.evalsWithoutImprovement >= config.earlyStoppingPatience) state.shouldStop = true;
    return true;
  }

  onTrainEnd(loop: TrainingLoop): boolean {
    const best = loop.state.best;
    if (best?.weights && best.step !== loop.state.step) restoreWeights(loop.model, best.weights);
    return true;
  }
}

/**
 * Checkpoints every checkpointEverySteps steps, else at every evaluation (when there is validation
 * data). Old ones are pruned to the run's keepCheckpoints by the parent once it has recorded the
 * new one (main/services/cleanup.ts): only it knows which file the runs table points at, so the
 * trainer never deletes a checkpoint resume may still need.
 */
export class CheckpointCallback implements TrainerCallback {
  constructor(private readonly progress: ProgressCallback) {}

  onStepEnd(loop: TrainingLoop): boolean {
    const { config, state, start } = loop;
    const periodic = config.checkpointEverySteps > 0 ? state.step % config.checkpointEverySteps === 0 : isEvaluationStep(loop, state.step) && loop.validation.length > 0;
    if (!periodic || !start.checkpointDir) return true;
    const path = join(start.checkpointDir, stepCheckpointName(state.step));
    writeCheckpoint(path, checkpointState(loop, state.bestFile));
    // Every step up to the checkpoint goes out before it: a run resumed from it never logs those
    // steps again, so samples still batched here would be lost if this process were killed now.
    this.progress.flush(loop);
    loop.emit({ type: 'checkpoint', step: state.step, epoch: state.step / loop.stepsPerEpoch, path });
    return true;
  }
}

/**
 * The selected checkpoint (already restored by ValidationCallback) scored ONCE on the held-out
 * test split: never used for selection or stopping, so its numbers are unbiased estimates.
 */
export class HeldOutTestCallback implements TrainerCallback {
  async onTrainEnd(loop: TrainingLoop): Promise<boolean> {
    if (loop.test.length === 0) return true;
    // SQuAD 2.0's no-answer threshold is the one validation chose for this checkpoint, never tuned on test.
    const threshold = (loop.state.best?.metrics ?? loop.state.lastMetrics)?.no_answer_threshold;
    const result = await evaluateSplit(loop, loop.test, threshold === undefined ? {} : { noAnswerThreshold: threshold });
    if (!result) return false;
    const step = loop.state.best?.step ?? loop.state.step;
    loop.state.testMetrics = result.metrics;
    loop.emit({ type: 'eval', split: 'test', step, epoch: step / loop.stepsPerEpoch, ...result, best: false, trainingMs: loop.state.trainingMs });
    return true;
  }
}

/** Neuronal utility of the final model on validation: metric per drop / crop level. */
export class UtilityCallback implements TrainerCallback {
  async onTrainEnd(loop: TrainingLoop): Promise<boolean> {
    const { config } = loop;
    if (loop.validation.length === 0 || config.utilityLevels === 0) return true;
    for (const kind of ['drop', 'crop'] as const) {
      const utility = await neuronalUtility(loop.model, loop.validation, kind, {
        task: loop.task, labelNames: loop.start.labelNames, levels: config.utilityLevels, draws: config.utilityDraws, dropout: config.dropout, seed: config.seed,
        scoring: { maxAnswerLength: config.qaMaxAnswerLength, noAnswerThreshold: loop.state.best?.metrics.no_answer_threshold },
        yieldControl: () => loop.yieldControl(),
      });
      if (!utility) return false;
      loop.emit({ type: 'utility', kind, ...utility });
    }
    return true;
  }
}
