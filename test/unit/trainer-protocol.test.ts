// The child-process protocols as schemas (shared/trainer-protocol.ts, shared/predictor-protocol.ts)
// and the task vocabulary they carry (shared/tasks.ts): what parses, what is refused and how the
// refusal names the field.
import { describe, expect, it } from 'vitest';
import { taskHead } from '../../main/tasks/registry';
import { checkPredictorMessage, PredictorToParentSchema } from '../../shared/predictor-protocol';
import { DEFAULT_RUN_CONFIG, RunConfigSchema, SelectionMetricSchema } from '../../shared/schemas';
import { DATASET_TASK_LABELS, DatasetTaskSchema, trainerTaskOf, TrainerTaskSchema } from '../../shared/tasks';
import {
  checkParentMessage,
  checkTrainerMessage,
  nonFiniteMetrics,
  ParentToTrainerSchema,
  TrainerToParentSchema,
  type TrainerToParent,
} from '../../shared/trainer-protocol';

const split = { texts: ['good', 'bad'], labels: [1, 0] };
const start = {
  type: 'start',
  runId: 'r-1',
  config: DEFAULT_RUN_CONFIG,
  labelNames: ['neg', 'pos'],
  train: split,
  validation: split,
  test: { ...split, textPairs: ['a', null] },
  progressIntervalMs: 250,
  task: 'classification',
  checkpointDir: null,
};

const everyTrainerMessage: TrainerToParent[] = [
  { type: 'ready', backend: 'wasm+openblas' },
  { type: 'progress', step: 2, totalSteps: 10, epoch: 0.2, elapsedMs: 5, etaMs: null, samples: [{ step: 2, epoch: 0.2, loss: 0.5, copyLosses: [0.5, 0.6], cmpLoss: 0.1 }] },
  { type: 'eval', step: 2, epoch: 0.2, metrics: { accuracy: 0.5 }, best: true },
  {
    type: 'eval',
    split: 'test',
    step: 2,
    epoch: 0.2,
    metrics: { accuracy: 0.5 },
    perClass: [{ label: 'neg', precision: 1, recall: 0.5, f1: 0.667, support: 2 }],
    confusion: [[1, 1], [0, 2]],
    predictions: [{ index: 0, predicted: 1, gold: 0, confidence: 0.9 }],
  },
  { type: 'checkpoint', step: 2, epoch: 0.2, path: '/x/step-2.ckpt' },
  { type: 'utility', kind: 'crop', levels: [{ k: 0, rate: 1, metrics: { accuracy: 0.5 } }], beatenShare: 0.1 },
  { type: 'paused' },
  { type: 'resumed' },
  { type: 'done', metrics: { accuracy: 0.5 }, elapsedMs: 10, msPerStep: 1, bestStep: 2, stoppedEarly: false },
  { type: 'cancelled' },
  { type: 'error', message: 'boom' },
];

const issuePaths = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }) => result.error?.issues.map((i) => i.path);

describe('trainer protocol schemas', () => {
  it('parses every message kind both ways, the start message with its test split', () => {
    for (const m of everyTrainerMessage) expect(TrainerToParentSchema.parse(m)).toEqual(m);
    const parsed = ParentToTrainerSchema.parse(start);
    expect(parsed.type === 'start' && parsed.test?.textPairs).toEqual(['a', null]);
    for (const type of ['cancel', 'pause', 'resume']) expect(checkParentMessage({ type }).ok).toBe(true);
  });

  it('fills an older stored config in the start message with the later defaults', () => {
    const { selectionMetric: _s, utilityLevels: _u, ...older } = DEFAULT_RUN_CONFIG;
    const parsed = ParentToTrainerSchema.parse({ ...start, config: older });
    expect(parsed.type === 'start' && parsed.config).toMatchObject({ selectionMetric: 'accuracy', utilityLevels: 6 });
  });

  it('rejects a wrong type or a missing field with the path of the field', () => {
    const wrongType = TrainerToParentSchema.safeParse({ type: 'eval', step: 1, epoch: 0, metrics: { accuracy: 'high' } });
    expect(issuePaths(wrongType)).toEqual([['metrics', 'accuracy']]);
    const missing = TrainerToParentSchema.safeParse({ type: 'progress', step: 1, epoch: 0, elapsedMs: 1, etaMs: null, samples: [] });
    expect(issuePaths(missing)).toEqual([['totalSteps']]);
    const badSplit = ParentToTrainerSchema.safeParse({ ...start, validation: { texts: ['a', 'b'], labels: [0] } });
    expect(issuePaths(badSplit)).toEqual([['validation', 'labels']]);
    expect(TrainerToParentSchema.safeParse({ type: 'eval', split: 'train', step: 1, epoch: 0, metrics: {} }).success).toBe(false);
    expect(TrainerToParentSchema.safeParse({ type: 'ready', backend: 'webgl' }).success).toBe(false);
  });

  it('says which message and field were wrong, in a sentence', () => {
    const problem = (raw: unknown) => {
      const checked = checkTrainerMessage(raw);
      return checked.ok ? null : checked.problem;
    };
    expect(problem({ type: 'progress', step: 1, totalSteps: 4, epoch: 0, elapsedMs: 1, etaMs: null, samples: [{ step: 1 }] })).toMatch(
      /^The trainer sent an invalid 'progress' message: samples\[0\]\.epoch: .*number/,
    );
    expect(problem({ type: 'teleport' })).toMatch(/invalid 'teleport' message: type: /);
    expect(problem('hello')).toMatch(/invalid untyped message/);
    const parent = checkParentMessage({ ...start, runId: 7 });
    expect(parent.ok ? null : parent.problem).toMatch(/^The parent sent an invalid 'start' message: runId: /);
  });

  it('lists non-finite metric values by name, and fails such a message as diverged', () => {
    const diverged = { type: 'eval', step: 3, epoch: 0.3, metrics: { accuracy: Number.NaN, loss: Number.POSITIVE_INFINITY, macro_f1: 0.5 } };
    expect(nonFiniteMetrics(diverged)).toEqual(['metrics.accuracy', 'metrics.loss']);
    expect(nonFiniteMetrics({ type: 'progress', samples: [{ loss: 1, copyLosses: [1, Number.NaN] }] })).toEqual(['samples[0].copyLosses[1]']);
    expect(nonFiniteMetrics(everyTrainerMessage[3])).toEqual([]);
    const checked = checkTrainerMessage(diverged);
    expect(checked.ok ? null : checked.problem).toMatch(/non-finite number in its 'eval' message \(metrics\.accuracy = NaN, metrics\.loss = Infinity\).*diverged/);
    // The schema alone refuses them too (zod's number is finite), for any caller that skips the check.
    expect(TrainerToParentSchema.safeParse(diverged).success).toBe(false);
  });
});

describe('predictor protocol schemas', () => {
  const result = { type: 'result', requestId: 3, predictions: null, clsHidden: [[0.1, 0.2]], labelNames: [], task: 'classification', hasHead: false, cached: true, loadMs: 0, predictMs: 1 };

  it('parses a result and names the field of a malformed one', () => {
    expect(PredictorToParentSchema.parse(result)).toEqual(result);
    const checked = checkPredictorMessage({ ...result, task: 'ranking' });
    expect(checked.ok ? null : checked.problem).toMatch(/^The predictor sent an invalid 'result' message: task: /);
  });
});

describe('task vocabulary', () => {
  it('maps each dataset task to the head it trains and names each for people', () => {
    expect(DatasetTaskSchema.options.map((t) => [t, trainerTaskOf(t)])).toEqual([
      ['classification', 'classification'],
      ['pair_classification', 'classification'],
      ['regression', 'regression'],
      ['multilabel', 'multilabel'],
      ['qa', 'qa'],
    ]);
    for (const t of DatasetTaskSchema.options) expect(DATASET_TASK_LABELS[t]).toMatch(/^[A-Z]/);
  });

  it("makes every head's default selection metric a valid configured selection", () => {
    for (const task of TrainerTaskSchema.options) {
      const metric = taskHead(task).defaultSelectionMetric;
      expect(SelectionMetricSchema.safeParse(metric).success, `${task}: ${metric}`).toBe(true);
      expect(RunConfigSchema.parse({ ...DEFAULT_RUN_CONFIG, selectionMetric: metric }).selectionMetric).toBe(metric);
    }
  });
});
