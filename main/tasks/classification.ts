// Single-label classification (also pair classification: the text pair only changes the input):
// softmax cross-entropy per example; accuracy, macro-F1 and MCC; per-class scores and the
// confusion matrix; the prediction's softmax probability as its confidence.
import * as tf from '@tensorflow/tfjs';
import { accuracy, confusionMatrix, macroF1, matthewsCorrelation, perClassScores } from '../../shared/metrics';
import { meanOf, repeatRows, type RowTargets, type TaskHead } from './task-head';

/** Cross-entropy per row of logits [rows, classes] against int32 class ids [rows]. */
export function perExampleCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const oneHot = tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32');
    return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1)) as tf.Tensor1D;
  });
}

/** Softmax computed stably (the largest logit subtracted first). */
export function softmax(output: readonly number[]): number[] {
  const top = Math.max(...output);
  const exps = output.map((x) => Math.exp(x - top));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export const classificationHead: TaskHead = {
  task: 'classification',
  reads: 'sequence',
  outputWidth: (numLabels) => numLabels,
  defaultSelectionMetric: 'accuracy',
  tableMetrics: ['accuracy', 'macro_f1', 'mcc', 'loss'],
  checkTargets(splitName, split, numLabels) {
    const bad = split.labels.findIndex((label) => !Number.isInteger(label) || label < 0 || label >= numLabels);
    if (bad >= 0) throw new Error(`The ${splitName} split has label ${split.labels[bad]} at row ${bad}; expected 0..${numLabels - 1}.`);
  },
  rowTargets: (batch, copies) => ({ labels: tf.tensor1d(repeatRows(batch.labels, copies), 'int32') }),
  perExampleLoss: (outputs, targets: RowTargets) => perExampleCrossEntropy(outputs, targets.labels!),
  probabilities: softmax,
  score(examples, outputs, losses, labelNames) {
    const numClasses = labelNames.length;
    const predicted = outputs.map((o) => o.indexOf(Math.max(...o)));
    const gold = examples.map((e) => e.label);
    const confusion = confusionMatrix(predicted, gold, numClasses);
    return {
      metrics: { accuracy: accuracy(predicted, gold), macro_f1: macroF1(predicted, gold, numClasses), mcc: matthewsCorrelation(confusion), loss: meanOf(losses) },
      perClass: perClassScores(confusion).map((score, c) => ({ label: labelNames[c], ...score })),
      confusion,
      predictions: examples.map((e, i) => {
        // Softmax probability of the predicted class, computed stably.
        const top = outputs[i][predicted[i]];
        const sum = outputs[i].reduce((a, x) => a + Math.exp(x - top), 0);
        return { index: e.index, predicted: predicted[i], gold: e.label, confidence: 1 / sum };
      }),
    };
  },
};
