// The training loop: data preparation, seeded data order, AdamW steps with warmup/decay, clipping
// and gradient accumulation, periodic evaluation with early stopping and the best model kept,
// checkpoints and identical resume, neuronal utility at the end, progress reporting and
// cooperative pause/cancel. Talks to the outside only through `emit` (protocol messages) and a
// TrainingControl, so it runs the same in a forked process, a utility process, a bench or a test.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { chunk } from './batching';
import { type Checkpoint, readCheckpoint, writeCheckpoint } from './checkpoint';
import { cappedIndices, checkSplit, encodeSplitWith, epochOrder, trainingInput } from './data';
import { defaultSelectionMetric, type EvalExample, type EvaluationResult, isLowerBetter, scoreOutputs, stepInputOf } from './evaluation';
import type { SequenceClassifier } from './classifier';
import { dropoutStepSeed } from './nested-dropout';
import { AdamW, clipGradients, globalNorm } from './optimizer';
import type { StepSample, TrainerStartMessage, TrainerToParent } from './protocol';
import { mixSeed } from '../../shared/random';
import { buildRunModel } from './run-model';
import { evaluationBatch, type StepOutcome, stepGradients } from './training-step';
import { neuronalUtility } from './utility';
import { TrainingControl } from './control';

export { TrainingControl };

const EVAL_BATCH_SIZE = 64;

export type TrainingOutcome = 'done' | 'cancelled';

export interface TrainingIO {
  emit(message: TrainerToParent): void;
  control: TrainingControl;
}

/** Linear warmup over the first `warmupFraction` of steps, then linear decay to zero. */
export function learningRateAt(step: number, totalSteps: number, peak: number, warmupFraction = 0.1): number {
  const warmup = Math.round(totalSteps * warmupFraction);
  if (step < warmup) return (peak * (step + 1)) / warmup;
  return (peak * Math.max(0, totalSteps - step)) / Math.max(1, totalSteps - warmup);
}

async function evaluate(model: SequenceClassifier, batches: EvalExample[][], start: TrainerStartMessage, task: NonNullable<TrainerStartMessage['task']>, yieldControl: () => Promise<boolean>): Promise<EvaluationResult | null> {
  const examples: EvalExample[] = [];
  const outputs: number[][] = [];
  const losses: number[] = [];
  for (const batch of batches) {
    const result = evaluationBatch(model, stepInputOf(batch), task);
    examples.push(...batch);
    outputs.push(...result.outputs);
    losses.push(...result.losses);
    if (!(await yieldControl())) return null;
  }
  // Reported in validation-set order, whatever order the length-sorted batches ran in.
  const order = examples.map((_, i) => i).sort((a, b) => examples[a].index - examples[b].index);
  return scoreOutputs(task, order.map((i) => examples[i]), order.map((i) => outputs[i]), order.map((i) => losses[i]), start.labelNames);
}

const snapshot = (model: SequenceClassifier) => model.variables.map((v) => new Float32Array(v.dataSync() as Float32Array));

function restore(model: SequenceClassifier, weights: Float32Array[]): void {
  tf.tidy(() => model.variables.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape))));
}

export async function runTraining(start: TrainerStartMessage, io: TrainingIO): Promise<TrainingOutcome> {
  const { config, labelNames, progressIntervalMs } = start;
  const { emit, control } = io;
  const task = start.task ?? 'classification';
  checkSplit('training', start.train, task, labelNames.length);
  checkSplit('validation', start.validation, task, labelNames.length);
  const trainIndices = cappedIndices(start.train.texts.length, config.maxTrainExamples, config.seed);
  if (trainIndices.length === 0) throw new Error('The training split is empty: nothing to train on.');
  const resumed: Checkpoint | null = start.resumeFrom ? readCheckpoint(start.resumeFrom) : null;

  const numOutputs = task === 'regression' ? 1 : labelNames.length;
  // The built-in model with a word vocabulary fitted on the training texts, or a pretrained
  // encoder with its own tokenizer (config.model.pretrained); a resumed run rebuilds the same one.
  const trainTexts = () => trainIndices.map((i) => (start.train.textPairs?.[i] == null ? start.train.texts[i] : `${start.train.texts[i]}\n${start.train.textPairs[i]}`));
  const setup = await buildRunModel(config, numOutputs, mixSeed(config.seed, 0x1417), trainTexts, resumed?.header ?? null);
  const model = setup.model;
  const train = encodeSplitWith(start.train, trainIndices, labelNames.length, setup.encodeRow);
  const validation = encodeSplitWith(start.validation, start.validation.texts.map((_, i) => i), labelNames.length, setup.encodeRow);
  // Validation sorted by length so each batch pads little; results are reported in split order.
  const validationBatches = chunk([...validation].sort((a, b) => a.input.ids.length - b.input.ids.length), EVAL_BATCH_SIZE);
  const cropsOn = config.loss === 'comparative' ? config.crops : 0;

  const microBatches = Math.ceil(train.length / config.batchSize);
  const stepsPerEpoch = Math.ceil(microBatches / config.gradAccumulation);
  const totalSteps = stepsPerEpoch * config.epochs;
  const optimizer = new AdamW(model.variables, { weightDecay: config.weightDecay });
  const selection = config.selectionMetric;
  const yieldControl = () => control.checkpoint(emit);

  const startedAt = Date.now();
  let lastProgressAt = -Infinity;
  let pending: StepSample[] = [];
  let step = 0;
  let trainingMs = 0;
  let lastMetrics: Record<string, number> | null = null;
  let best: { score: number; step: number; metrics: Record<string, number>; weights: Float32Array[] | null } | null = null;
  let evalsWithoutImprovement = 0;
  let stoppedEarly = false;
  // Where the best model's weights are on disk (a resumed run's may be in the earlier folder).
  let bestFile: string | null = null;
  if (resumed) {
    const h = resumed.header;
    restore(model, resumed.weights);
    optimizer.setState({ step: h.optimizerStep, firstMoments: resumed.firstMoments, secondMoments: resumed.secondMoments });
    step = h.step;
    trainingMs = h.trainingMs;
    lastMetrics = h.lastMetrics;
    evalsWithoutImprovement = h.evalsWithoutImprovement;
    // Saved at the evaluation that triggered early stopping: the run is over, do not train on.
    stoppedEarly = config.earlyStoppingPatience > 0 && evalsWithoutImprovement >= config.earlyStoppingPatience;
    if (h.bestScore !== null && h.bestStep !== null && h.bestMetrics) {
      bestFile = h.bestPath;
      best = { score: h.bestScore, step: h.bestStep, metrics: h.bestMetrics, weights: h.bestPath ? readCheckpoint(h.bestPath).weights : null };
    }
  }

  const flushProgress = () => {
    if (pending.length === 0) return;
    const msPerStep = trainingMs / Math.max(1, step);
    emit({ type: 'progress', step, totalSteps, epoch: step / stepsPerEpoch, elapsedMs: Date.now() - startedAt, etaMs: step > 0 ? Math.round(msPerStep * (totalSteps - step)) : null, samples: pending });
    pending = [];
    lastProgressAt = Date.now();
  };
  const stop = (): TrainingOutcome => {
    flushProgress(); // samples already taken are never dropped
    emit({ type: 'cancelled' });
    return 'cancelled';
  };
  const checkpointState = (bestPath: string | null): Checkpoint => {
    const state = optimizer.getState();
    return {
      header: {
        runId: start.runId,
        step,
        epoch: Math.floor(step / stepsPerEpoch),
        stepInEpoch: step % stepsPerEpoch,
        optimizerStep: state.step,
        vocabulary: setup.vocabulary,
        pretrained: setup.pretrained,
        bestScore: best?.score ?? null,
        bestStep: best?.step ?? null,
        bestMetrics: best?.metrics ?? null,
        bestPath,
        evalsWithoutImprovement,
        lastMetrics,
        trainingMs,
        shapes: [...model.variables, ...model.variables, ...model.variables].map((v) => v.shape),
      },
      weights: snapshot(model),
      firstMoments: state.firstMoments,
      secondMoments: state.secondMoments,
    };
  };
  const bestPath = start.checkpointDir ? join(start.checkpointDir, 'best.ckpt') : null;
  const saveCheckpoint = () => {
    if (!start.checkpointDir) return;
    const path = join(start.checkpointDir, `step-${step}.ckpt`);
    writeCheckpoint(path, checkpointState(bestFile));
    emit({ type: 'checkpoint', step, epoch: step / stepsPerEpoch, path });
  };
  const runEvaluation = async (): Promise<boolean> => {
    if (validation.length === 0) return true; // nothing to measure on
    flushProgress();
    const result = await evaluate(model, validationBatches, start, task, yieldControl);
    if (!result) return false;
    lastMetrics = result.metrics;
    const metric = result.metrics[selection] !== undefined ? selection : defaultSelectionMetric(task);
    const score = result.metrics[metric];
    const improved = !best || (isLowerBetter(metric) ? score < best.score : score > best.score);
    if (improved) {
      best = { score, step, metrics: result.metrics, weights: snapshot(model) };
      evalsWithoutImprovement = 0;
      if (bestPath) {
        writeCheckpoint(bestPath, checkpointState(null));
        bestFile = bestPath;
      }
    } else {
      evalsWithoutImprovement++;
    }
    // trainingMs: time spent in optimizer steps so far, for the compute-matched comparison view.
    emit({ type: 'eval', step, epoch: step / stepsPerEpoch, ...result, best: improved, trainingMs });
    if (config.earlyStoppingPatience > 0 && evalsWithoutImprovement >= config.earlyStoppingPatience) stoppedEarly = true;
    return true;
  };

  const optimizerStep = (group: number[][]): StepSample => {
    const outcomes: StepOutcome[] = [];
    // Held in an object: TypeScript does not follow assignments made inside the forEach callback.
    const acc: { summed: tf.Tensor[] | null } = { summed: null };
    try {
      group.forEach((indices, j) => {
        const micro = step * config.gradAccumulation + j;
        const input = trainingInput(indices.map((i) => train[i]), cropsOn, config.seed, micro);
        const { grads, outcome } = stepGradients(model, input, config, task, dropoutStepSeed(config.seed, micro));
        outcomes.push(outcome);
        const previous = acc.summed;
        acc.summed = previous ? grads.map((g, i) => tf.add(previous[i], g)) : grads;
        if (previous) for (const t of [...previous, ...grads]) t.dispose();
      });
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const loss = mean(outcomes.map((o) => o.loss));
      const copyLosses = outcomes[0].copyLosses.map((_, k) => mean(outcomes.map((o) => o.copyLosses[k])));
      if (!Number.isFinite(loss) || !copyLosses.every(Number.isFinite)) {
        throw new Error(`Training diverged at step ${step + 1}: loss is ${loss} (copy losses ${copyLosses.join(', ')}). Try a lower learning rate.`);
      }
      // Accumulated micro-batch gradients are averaged: the update matches one larger batch.
      const averaged: tf.Tensor[] = acc.summed!.map((g) => tf.div(g, group.length));
      const gradNorm = globalNorm(averaged);
      if (!Number.isFinite(gradNorm)) {
        averaged.forEach((t) => t.dispose());
        throw new Error(`Training diverged at step ${step + 1}: the gradient norm is ${gradNorm}. Try a lower learning rate.`);
      }
      const clipped = clipGradients(averaged, gradNorm, config.clipNorm);
      const lr = learningRateAt(step, totalSteps, config.learningRate, config.warmupFraction);
      optimizer.apply(clipped, lr);
      for (const t of [...averaged, ...clipped]) t.dispose();
      const cmpLoss = outcomes[0].cmpLoss === null ? null : loss;
      return { step: step + 1, epoch: (step + 1) / stepsPerEpoch, loss, copyLosses, cmpLoss, lr, gradNorm };
    } finally {
      acc.summed?.forEach((t) => t.dispose());
    }
  };

  try {
    const firstEpoch = stoppedEarly ? config.epochs : Math.floor(step / stepsPerEpoch);
    training: for (let epoch = firstEpoch; epoch < config.epochs; epoch++) {
      const groups = chunk(chunk(epochOrder(train.length, config.seed, epoch), config.batchSize), config.gradAccumulation);
      for (let g = step - epoch * stepsPerEpoch; g < groups.length; g++) {
        const began = performance.now();
        const sample = optimizerStep(groups[g]);
        trainingMs += performance.now() - began;
        step++;
        pending.push(sample);
        if (Date.now() - lastProgressAt >= progressIntervalMs) flushProgress();
        if (!(await yieldControl())) return stop();
        const epochEnds = step % stepsPerEpoch === 0;
        const evaluateNow = epochEnds || (config.evalEverySteps > 0 && step % config.evalEverySteps === 0);
        if (evaluateNow && !(await runEvaluation())) return stop();
        const periodic = config.checkpointEverySteps > 0 ? step % config.checkpointEverySteps === 0 : evaluateNow && validation.length > 0;
        if (periodic) saveCheckpoint();
        if (stoppedEarly) break training;
      }
    }
    flushProgress();
    const finalBest = best as typeof best; // narrowed by the closures' assignments
    // The best evaluated model is the run's result (the paper keeps the best dev checkpoint).
    if (finalBest?.weights && finalBest.step !== step) restore(model, finalBest.weights);
    if (validation.length > 0 && config.utilityLevels > 0) {
      for (const kind of ['drop', 'crop'] as const) {
        const utility = await neuronalUtility(model, validation, kind, {
          task, labelNames, levels: config.utilityLevels, draws: config.utilityDraws, dropout: config.dropout, seed: config.seed, yieldControl,
        });
        if (!utility) return stop();
        emit({ type: 'utility', kind, ...utility });
      }
    }
    const msPerStep = trainingMs / Math.max(1, step);
    const finalMetrics: Record<string, number> = { ...(finalBest?.metrics ?? lastMetrics ?? {}), ms_per_step: msPerStep, steps: step };
    emit({ type: 'done', metrics: finalMetrics, elapsedMs: Date.now() - startedAt, msPerStep, stoppedEarly, ...(finalBest ? { bestStep: finalBest.step } : {}) });
    return 'done';
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
