// How long a run trains when the person did not say: enough optimizer steps to learn from a small
// dataset, with early stopping so the extra epochs cannot overfit it. The rule: at least
// MIN_STEPS steps (the embedded IMDB sample's 1,600 training rows give 150 in the preset's 3
// epochs, so its numbers do not change), at most MAX_EPOCHS epochs; when that raises the epochs,
// evaluation stops the run after EARLY_STOP_PATIENCE evaluations without improvement.
import type { DatasetSummary, RunConfig, RunConfigPatch } from './schemas';

export const MIN_STEPS = 150;
export const MAX_EPOCHS = 20;
export const EARLY_STOP_PATIENCE = 3;

/** `config` with epochs (and patience) chosen from the dataset's size, unless the patch set them. */
export function withTrainingBudget(config: RunConfig, patch: RunConfigPatch | undefined, dataset: DatasetSummary): RunConfig {
  if (patch?.epochs !== undefined) return config;
  const examples = Math.min(dataset.splits.train, config.maxTrainExamples > 0 ? config.maxTrainExamples : Infinity);
  const stepsPerEpoch = Math.max(1, Math.ceil(examples / (config.batchSize * Math.max(1, config.gradAccumulation))));
  const epochs = Math.min(MAX_EPOCHS, Math.max(config.epochs, Math.ceil(MIN_STEPS / stepsPerEpoch)));
  if (epochs === config.epochs) return config;
  const patience = patch?.earlyStoppingPatience !== undefined || config.earlyStoppingPatience > 0 ? config.earlyStoppingPatience : EARLY_STOP_PATIENCE;
  return { ...config, epochs, earlyStoppingPatience: patience };
}
