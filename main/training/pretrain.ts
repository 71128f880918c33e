// Masked-language-model pretraining of an encoder on unlabeled text: BERT's objective (the
// masked-LM half; no next-sentence prediction, as RoBERTa showed it does not help), AdamW with
// linear warmup and decay and global-norm clipping as fine-tuning uses (optimizer.ts,
// trainer-step.ts), a validation loss on held-out blocks with fixed masks. Dropout masks and MLM
// masks come from (seed, step) alone, so a rerun with the same inputs gives the same weights.
import * as tf from '@tensorflow/tfjs';
import type { MaskedLanguageModel } from '../models/masked-lm';
import { dropoutStepSeed } from '../models/nested-dropout';
import { maskedLmLoss } from './mlm-loss';
import { AdamW, type AdamWState, clipGradients, globalNorm } from './optimizer';
import { type Block, disposeBatch, maskedBatch, maskRandom, type MaskSettings, type PretrainCorpus, type PretrainTokenizer, stepBlocks } from './pretrain-data';
import { bagOfWordsTargets, summaryLoss } from './summary-loss';
import { learningRateAt } from './trainer-step';

export interface PretrainSettings extends MaskSettings {
  steps: number;
  batchSize: number;
  learningRate: number;
  warmupFraction: number;
  weightDecay: number;
  clipNorm: number;
  seed: number;
  /** false: no dropout while pretraining (shared/pretrain-protocol.ts says why); absent or true: the model's rates. */
  dropout?: boolean;
  /** Weight of the [CLS] summary objective added to the masked-LM loss (main/training/summary-loss.ts); absent or 0: masked-LM alone. */
  summaryWeight?: number;
  /** Evaluate on the held-out blocks every this many steps (and after the last). */
  evaluateEvery: number;
}

export interface PretrainStep {
  step: number;
  /** The masked-LM cross-entropy of the step's batch (what the held-out curve measures too). */
  loss: number;
  /** The [CLS] summary cross-entropy, when that objective is on. */
  summaryLoss?: number;
  learningRate: number;
  /** Wall time of this optimizer step (batch, masks, forward, backward, update), evaluation excluded. */
  ms: number;
}

export interface PretrainEvaluation {
  step: number;
  /** Mean masked-LM cross-entropy on the held-out blocks (nats); perplexity is its exp. */
  loss: number;
}

/** Where a run stands after a step: enough, with the weights, to continue it identically. */
export interface PretrainState {
  /** Optimizer steps done. */
  completed: number;
  optimizer: AdamWState;
  steps: PretrainStep[];
  evaluations: PretrainEvaluation[];
}

export interface PretrainHooks {
  step?(sample: PretrainStep): void;
  evaluation?(evaluation: PretrainEvaluation): void;
  /** After each evaluation but the last: a state to write down, so a killed process can be resumed. */
  checkpoint?(state: () => PretrainState): void;
  /** Called between steps; resolves false to stop (cancel or interrupt). Lets messages in. */
  continue?(): Promise<boolean>;
}

export interface PretrainResult {
  steps: PretrainStep[];
  evaluations: PretrainEvaluation[];
  /** Steps run: `settings.steps` unless stopped. */
  completed: number;
  /** When stopped early: the state to resume from. */
  stoppedState?: PretrainState;
}

/** Cross-entropy of one masked batch, as a tensor (the step differentiates it). */
function batchLoss(model: MaskedLanguageModel, batch: ReturnType<typeof maskedBatch>, stepSeed: number, train: boolean): tf.Scalar {
  return batchLosses(model, batch, stepSeed, train).mlm;
}

/** The masked-LM loss and, given the blocks' bag-of-words targets [B, vocab], the [CLS] summary loss. */
function batchLosses(model: MaskedLanguageModel, batch: ReturnType<typeof maskedBatch>, stepSeed: number, train: boolean, bags?: tf.Tensor2D): { mlm: tf.Scalar; summary?: tf.Scalar } {
  const logits = model.logitsWithSummary(batch, stepSeed, train, bags !== undefined);
  const predicted = logits.tokens.shape[0];
  const mlm = maskedLmLoss(tf.reshape(logits.tokens, [1, predicted, logits.tokens.shape[1]]) as tf.Tensor3D, [Array.from(batch.targets)]).batch;
  return bags && logits.summary ? { mlm, summary: summaryLoss(logits.summary, bags) } : { mlm };
}

/** Mean held-out loss, weighted by predicted positions, over batches of `batchSize` blocks. */
export function validationLoss(model: MaskedLanguageModel, blocks: readonly Block[], tokenizer: PretrainTokenizer, settings: PretrainSettings): number {
  let total = 0;
  let count = 0;
  for (let start = 0; start < blocks.length; start += settings.batchSize) {
    const chunk = blocks.slice(start, start + settings.batchSize);
    // One fixed generator per chunk start: the same masks at every evaluation, so the curve compares like with like.
    const batch = maskedBatch(chunk, tokenizer, settings, maskRandom(settings.seed, 'validation', start));
    try {
      if (batch.positions.length === 0) continue;
      const loss = tf.tidy(() => batchLoss(model, batch, 0, false));
      total += loss.dataSync()[0] * batch.positions.length;
      count += batch.positions.length;
      loss.dispose();
    } finally {
      disposeBatch(batch);
    }
  }
  return count === 0 ? Number.NaN : total / count;
}

/**
 * Runs steps `resume.completed` (0 for a fresh run) to `settings.steps`. Batches, MLM masks and
 * dropout masks are functions of (seed, step), so a run resumed from a state (with the weights it
 * was taken with) takes exactly the steps the uninterrupted run would have.
 */
export async function pretrain(
  model: MaskedLanguageModel,
  corpus: PretrainCorpus,
  tokenizer: PretrainTokenizer,
  settings: PretrainSettings,
  hooks: PretrainHooks = {},
  resume?: PretrainState,
): Promise<PretrainResult> {
  const optimizer = new AdamW(model.variables, { weightDecay: settings.weightDecay });
  if (resume) optimizer.setState(resume.optimizer);
  const steps: PretrainStep[] = [...(resume?.steps ?? [])];
  const evaluations: PretrainEvaluation[] = [...(resume?.evaluations ?? [])];
  const state = (completed: number): PretrainState => ({ completed, optimizer: optimizer.getState(), steps: [...steps], evaluations: [...evaluations] });
  const evaluate = (step: number) => {
    const evaluation = { step, loss: validationLoss(model, corpus.validation, tokenizer, settings) };
    evaluations.push(evaluation);
    hooks.evaluation?.(evaluation);
  };
  try {
    if (!resume) evaluate(0);
    for (let step = resume?.completed ?? 0; step < settings.steps; step++) {
      if (hooks.continue && !(await hooks.continue())) return { steps, evaluations, completed: step, stoppedState: state(step) };
      const began = performance.now();
      const blocks = stepBlocks(corpus.train, step, settings.batchSize, settings.seed);
      const batch = maskedBatch(blocks, tokenizer, settings, maskRandom(settings.seed, 'train', step));
      const weight = settings.summaryWeight ?? 0;
      const bags = weight > 0 ? tf.tensor2d(bagOfWordsTargets(blocks, tokenizer.vocabSize, tokenizer.specialIds), [blocks.length, tokenizer.vocabSize]) : undefined;
      try {
        // A batch with nothing to predict (tiny inputs) has no gradient; the schedule still advances.
        if (batch.positions.length === 0) continue;
        let parts: { mlm: number; summary?: number } = { mlm: Number.NaN };
        const { value, grads } = tf.variableGrads(() => {
          const losses = batchLosses(model, batch, dropoutStepSeed(settings.seed, step), settings.dropout !== false, bags);
          // Read inside: the parts are intermediate tensors the gradient tape disposes of.
          parts = { mlm: losses.mlm.dataSync()[0], ...(losses.summary ? { summary: losses.summary.dataSync()[0] } : {}) };
          return losses.summary ? tf.add(losses.mlm, tf.mul(losses.summary, weight)) : losses.mlm;
        }, model.variables);
        const total = value.dataSync()[0];
        value.dispose();
        const loss = parts.mlm;
        const ordered = model.variables.map((v) => grads[v.name]);
        const norm = globalNorm(ordered);
        if (!Number.isFinite(total) || !Number.isFinite(norm)) {
          ordered.forEach((g) => g.dispose());
          throw new Error(`Pretraining diverged at step ${step + 1}: loss ${total}, gradient norm ${norm}. Try a lower learning rate.`);
        }
        const clipped = clipGradients(ordered, norm, settings.clipNorm);
        const lr = learningRateAt(step, settings.steps, settings.learningRate, settings.warmupFraction);
        optimizer.apply(clipped, lr);
        for (const t of [...ordered, ...clipped]) t.dispose();
        const sample: PretrainStep = { step: step + 1, loss, ...(parts.summary !== undefined ? { summaryLoss: parts.summary } : {}), learningRate: lr, ms: performance.now() - began };
        steps.push(sample);
        hooks.step?.(sample);
      } finally {
        disposeBatch(batch);
        bags?.dispose();
      }
      if ((step + 1) % settings.evaluateEvery === 0 && step + 1 < settings.steps) {
        evaluate(step + 1);
        hooks.checkpoint?.(() => state(step + 1));
      }
    }
    evaluate(settings.steps);
    return { steps, evaluations, completed: settings.steps };
  } finally {
    optimizer.dispose();
  }
}
