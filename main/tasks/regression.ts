// Regression on one output: squared error per example (what the comparative objective ranks);
// Pearson and Spearman correlation, mean squared and mean absolute error. A prediction records the
// predicted value against the gold one, its confidence field holding |error| for the views.
import * as tf from '@tensorflow/tfjs';
import { meanAbsoluteError, meanSquaredError, pearson, spearman } from '../../shared/metrics';
import { meanOf, repeatRows, type TaskHead } from './task-head';

export const regressionHead: TaskHead = {
  task: 'regression',
  reads: 'sequence',
  outputWidth: () => 1,
  defaultSelectionMetric: 'pearson',
  tableMetrics: ['pearson', 'spearman', 'mse', 'mae', 'loss'],
  checkTargets(splitName, split) {
    const bad = split.labels.findIndex((label) => !Number.isFinite(label));
    if (bad >= 0) throw new Error(`The ${splitName} split has a non-numeric target ${split.labels[bad]} at row ${bad}.`);
  },
  rowTargets: (batch, copies) => ({ labels: tf.tensor1d(repeatRows(batch.labels, copies), 'float32') }),
  perExampleLoss: (outputs, targets) => tf.tidy(() => tf.square(tf.sub(tf.reshape(outputs, [-1]), targets.labels!)) as tf.Tensor1D),
  probabilities: () => [],
  score(examples, outputs, losses) {
    const predicted = outputs.map((o) => o[0]);
    const gold = examples.map((e) => e.label);
    return {
      metrics: {
        pearson: pearson(predicted, gold),
        spearman: spearman(predicted, gold),
        mse: meanSquaredError(predicted, gold),
        mae: meanAbsoluteError(predicted, gold),
        loss: meanOf(losses),
      },
      predictions: examples.map((e, i) => ({ index: e.index, predicted: predicted[i], gold: e.label, confidence: Math.abs(predicted[i] - e.label) })),
    };
  },
};
