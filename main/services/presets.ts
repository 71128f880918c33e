import { DEFAULT_RUN_CONFIG, mergeRunConfig, type RunConfig } from '../../shared/schemas';

export type PresetName = 'default' | 'quick';

export interface Preset {
  config: RunConfig;
  seeds: number;
  /** Choose epochs from the dataset's size when a run does not set them (shared/training-budget.ts). */
  sizeEpochsToData: boolean;
}

/**
 * `default` is what "Fine-tune & compare" runs; `quick` is a seconds-long smoke run on a slice
 * of the data, for tests and first looks (browser mode `--preset quick`).
 */
export const PRESETS: Record<PresetName, Preset> = {
  default: { config: DEFAULT_RUN_CONFIG, seeds: 3, sizeEpochsToData: true },
  quick: {
    config: mergeRunConfig(DEFAULT_RUN_CONFIG, {
      epochs: 1,
      maxTrainExamples: 256,
      maxLength: 64,
      model: { vocabSize: 2000, dim: 32, ffnDim: 64 },
    }),
    seeds: 1,
    // A smoke run stays seconds long whatever the data.
    sizeEpochsToData: false,
  },
};
