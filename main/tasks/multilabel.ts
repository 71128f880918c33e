// Multi-label classification: an independent sigmoid per label, binary cross-entropy averaged over
// labels per example (in the stable form max(x,0) - x z + log(1 + e^-|x|)); micro and macro F1 and
// per-label precision / recall / F1 at threshold 0.5. No confusion matrix: labels are not exclusive.
import * as tf from '@tensorflow/tfjs';
import { multilabelF1, multilabelPerLabel } from '../../shared/metrics';
import { meanOf, repeatRows, type TaskHead } from './task-head';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export const multilabelHead: TaskHead = {
  task: 'multilabel',
  reads: 'sequence',
  outputWidth: (numLabels) => numLabels,
  defaultSelectionMetric: 'micro_f1',
  tableMetrics: ['micro_f1', 'macro_f1', 'loss'],
  checkTargets(splitName, split, numLabels) {
    if (!split.labelSets || split.labelSets.length !== split.labels.length) {
      throw new Error(`The ${splitName} split needs one label set per text for a multi-label task.`);
    }
    const bad = split.labelSets.findIndex((set) => set.some((l) => !Number.isInteger(l) || l < 0 || l >= numLabels));
    if (bad >= 0) throw new Error(`The ${splitName} split has label set [${split.labelSets[bad]}] at row ${bad}; expected labels 0..${numLabels - 1}.`);
  },
  rowTargets(batch, copies) {
    const rows = repeatRows(batch.multiHot ?? [], copies);
    return { multiHot: tf.tensor2d(rows.flat(), [rows.length, rows[0]?.length ?? 0], 'float32') };
  },
  perExampleLoss: (logits, targets) =>
    tf.tidy(() => {
      const z = targets.multiHot!;
      const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, z)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
      return tf.mean(bce, 1) as tf.Tensor1D;
    }),
  probabilities: (output) => output.map(sigmoid),
  /** Predictions report the top-scoring label against the first gold label (-1: none), a one-number summary for the example list. */
  score(examples, outputs, losses, labelNames) {
    const predictedSets = outputs.map((o) => o.flatMap((x, l) => (x > 0 ? [l] : [])));
    const goldSets = examples.map((e) => (e.multiHot ?? []).flatMap((z, l) => (z > 0 ? [l] : [])));
    return {
      metrics: { ...multilabelF1(predictedSets, goldSets, labelNames.length), loss: meanOf(losses) },
      perClass: multilabelPerLabel(predictedSets, goldSets, labelNames.length).map((score, l) => ({ label: labelNames[l], ...score })),
      confusion: [],
      predictions: examples.map((e, i) => {
        const top = outputs[i].indexOf(Math.max(...outputs[i]));
        return { index: e.index, predicted: top, gold: goldSets[i][0] ?? -1, confidence: sigmoid(outputs[i][top]) };
      }),
    };
  },
};
