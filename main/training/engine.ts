// The training loop: data preparation, the seeded data order and the optimizer steps
// (trainer-step.ts); everything around the steps — progress, validation with best-checkpoint
// selection and early stopping, checkpoints, the held-out test score, neuronal utility — is a
// callback (trainer-callbacks.ts). Identical resume from a checkpoint. Talks to the outside only
// through `emit` (protocol messages) and a TrainingControl, so it runs the same in a forked process,
// a utility process, a bench or a test.
import { chunk } from './batching';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BEST_CHECKPOINT, type Checkpoint, readCheckpoint } from './checkpoint';
import { cappedIndices, checkSplit, encodeSplitWith, epochOrder, trainingInput } from './data';
import { AdamW } from './optimizer';
import type { TrainerStartMessage, TrainerToParent } from './protocol';
import { mixSeed } from '../../shared/random';
import { taskHead } from '../tasks/registry';
import { buildRunModel } from './run-model';
import { encodeQaSplit } from './qa-encoding';
import {
  CheckpointCallback,
  HeldOutTestCallback,
  ProgressCallback,
  restoreWeights,
  type TrainerCallback,
  type TrainerState,
  type TrainingLoop,
  UtilityCallback,
  ValidationCallback,
} from './trainer-callbacks';
import { optimizerStep } from './trainer-step';
import { TrainingControl } from './control';

export { TrainingControl };
export { learningRateAt } from './trainer-step';

export type TrainingOutcome = 'done' | 'cancelled';

export interface TrainingIO {
  emit(message: TrainerToParent): void;
  control: TrainingControl;
}

/**
 * Where a resumed run's best weights are: the path its checkpoint recorded, or, where that is gone
 * (the run continues on another machine: main/worker/run-job.ts puts both files in one folder), the
 * best checkpoint beside the one it resumes from.
 */
function bestCheckpointOf(recorded: string | null, resumeFrom: string | null): string | null {
  if (!recorded || existsSync(recorded) || !resumeFrom) return recorded;
  const beside = join(dirname(resumeFrom), BEST_CHECKPOINT);
  return existsSync(beside) ? beside : recorded;
}

function initialState(resumed: Checkpoint | null, resumeFrom: string | null): TrainerState {
  const state: TrainerState = { step: 0, trainingMs: 0, trainingCpuMs: 0, lastMetrics: null, best: null, bestFile: null, evalsWithoutImprovement: 0, shouldStop: false, testMetrics: null };
  if (!resumed) return state;
  const h = resumed.header;
  state.step = h.step;
  state.trainingMs = h.trainingMs;
  state.trainingCpuMs = h.trainingCpuMs ?? 0;
  state.lastMetrics = h.lastMetrics;
  state.evalsWithoutImprovement = h.evalsWithoutImprovement;
  if (h.bestScore !== null && h.bestStep !== null && h.bestMetrics) {
    const bestPath = bestCheckpointOf(h.bestPath, resumeFrom);
    state.bestFile = bestPath;
    state.best = { score: h.bestScore, step: h.bestStep, metrics: h.bestMetrics, weights: bestPath ? readCheckpoint(bestPath).weights : null };
  }
  return state;
}

/** The callbacks every run uses, in the order they act at each step and at the end. */
function defaultCallbacks(): { progress: ProgressCallback; all: TrainerCallback[] } {
  const progress = new ProgressCallback();
  return { progress, all: [progress, new ValidationCallback(progress), new CheckpointCallback(progress), new HeldOutTestCallback(), new UtilityCallback()] };
}

export async function runTraining(start: TrainerStartMessage, io: TrainingIO): Promise<TrainingOutcome> {
  const { config, labelNames } = start;
  const { emit, control } = io;
  const task = start.task ?? 'classification';
  const test = start.test ?? null;
  checkSplit('training', start.train, task, labelNames.length);
  checkSplit('validation', start.validation, task, labelNames.length);
  if (test) checkSplit('test', test, task, labelNames.length);
  const trainIndices = cappedIndices(start.train.texts.length, config.maxTrainExamples, config.seed);
  if (trainIndices.length === 0) throw new Error('The training split is empty: nothing to train on.');
  const resumed: Checkpoint | null = start.resumeFrom ? readCheckpoint(start.resumeFrom) : null;

  // The built-in model with a word vocabulary fitted on the training texts, or a pretrained
  // encoder with its own tokenizer (config.model.pretrained); a resumed run rebuilds the same one.
  const trainTexts = () => trainIndices.map((i) => (start.train.textPairs?.[i] == null ? start.train.texts[i] : `${start.train.texts[i]}\n${start.train.textPairs[i]}`));
  const head = taskHead(task);
  const setup = await buildRunModel(config, { outputs: head.outputWidth(labelNames.length), reads: head.reads }, mixSeed(config.seed, 0x1417), trainTexts, resumed?.header ?? null);
  const model = setup.model;
  const all = (split: typeof start.train) => split.texts.map((_, i) => i);
  // Question answering trains and scores windows of each question (qa-encoding.ts); others one example per row.
  const qa = setup.qaTokenizer;
  const windows = { maxLength: setup.maxLength, stride: config.qaStride > 0 ? config.qaStride : Math.floor(setup.maxLength / 3) };
  const encode = (split: typeof start.train, indices: number[]) =>
    qa ? encodeQaSplit(split, indices, qa, windows) : encodeSplitWith(split, indices, labelNames.length, setup.encodeRow);
  const train = encode(start.train, trainIndices);
  const validation = encode(start.validation, all(start.validation));
  const testExamples = test ? encode(test, all(test)) : [];
  const cropsOn = config.loss === 'comparative' ? config.crops : 0;

  const microBatches = Math.ceil(train.length / config.batchSize);
  const stepsPerEpoch = Math.ceil(microBatches / config.gradAccumulation);
  const totalSteps = stepsPerEpoch * config.epochs;
  const optimizer = new AdamW(model.variables, { weightDecay: config.weightDecay });
  const state = initialState(resumed, start.resumeFrom ?? null);
  if (resumed) {
    restoreWeights(model, resumed.weights);
    optimizer.setState({ step: resumed.header.optimizerStep, firstMoments: resumed.firstMoments, secondMoments: resumed.secondMoments });
  }
  // Saved at the evaluation that triggered early stopping: the run is over, do not train on.
  const stoppedBeforeResume = resumed !== null && config.earlyStoppingPatience > 0 && state.evalsWithoutImprovement >= config.earlyStoppingPatience;
  const loop: TrainingLoop = {
    start, config, task, setup, model, optimizer, validation, test: testExamples, stepsPerEpoch, totalSteps, startedAt: Date.now(), state, emit,
    yieldControl: () => control.checkpoint(emit),
  };
  const { progress, all: callbacks } = defaultCallbacks();
  const stepContext = { model, optimizer, config, task, totalSteps, stepsPerEpoch };
  const cancelled = (): TrainingOutcome => {
    progress.flush(loop); // samples already taken are never dropped
    emit({ type: 'cancelled' });
    return 'cancelled';
  };

  try {
    const firstEpoch = stoppedBeforeResume ? config.epochs : Math.floor(state.step / stepsPerEpoch);
    training: for (let epoch = firstEpoch; epoch < config.epochs; epoch++) {
      const groups = chunk(chunk(epochOrder(train.length, config.seed, epoch), config.batchSize), config.gradAccumulation);
      for (let g = state.step - epoch * stepsPerEpoch; g < groups.length; g++) {
        const inputs = groups[g].map((indices, j) =>
          trainingInput(indices.map((i) => train[i]), cropsOn, config.seed, state.step * config.gradAccumulation + j),
        );
        const began = performance.now();
        const cpuBefore = process.cpuUsage();
        const sample = optimizerStep(stepContext, inputs, state.step);
        state.trainingMs += performance.now() - began;
        const cpu = process.cpuUsage(cpuBefore);
        state.trainingCpuMs += (cpu.user + cpu.system) / 1000;
        state.step++;
        for (const callback of callbacks) if (callback.onStepEnd && !(await callback.onStepEnd(loop, sample))) return cancelled();
        if (state.shouldStop) break training;
      }
    }
    // After the last step the bar is full while the test split and utility are scored: say so.
    progress.flush(loop);
    if (testExamples.length > 0 || (validation.length > 0 && config.utilityLevels > 0)) emit({ type: 'phase', phase: 'evaluating' });
    for (const callback of callbacks) if (callback.onTrainEnd && !(await callback.onTrainEnd(loop))) return cancelled();
    const stoppedEarly = stoppedBeforeResume || state.shouldStop;
    const msPerStep = state.trainingMs / Math.max(1, state.step);
    const testMetrics = Object.fromEntries(Object.entries(state.testMetrics ?? {}).map(([name, value]) => [`test_${name}`, value]));
    const finalMetrics: Record<string, number> = { ...(state.best?.metrics ?? state.lastMetrics ?? {}), ...testMetrics, ms_per_step: msPerStep, cpu_ms_per_step: state.trainingCpuMs / Math.max(1, state.step), steps: state.step };
    emit({ type: 'done', metrics: finalMetrics, elapsedMs: Date.now() - loop.startedAt, msPerStep, stoppedEarly, ...(state.best ? { bestStep: state.best.step } : {}) });
    return 'done';
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
