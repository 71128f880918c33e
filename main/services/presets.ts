import { DEFAULT_RUN_CONFIG, mergeRunConfig, type RunConfig } from '../../shared/schemas';

export type PresetName = 'default' | 'quick';

export interface Preset {
  config: RunConfig;
  seeds: number;
}

/**
 * `default` is what "Fine-tune & compare" runs; `quick` is a seconds-long smoke run on a slice
 * of the data, for tests and first looks (browser mode `--preset quick`).
 */
export const PRESETS: Record<PresetName, Preset> = {
  default: { config: DEFAULT_RUN_CONFIG, seeds: 3 },
  quick: {
    config: mergeRunConfig(DEFAULT_RUN_CONFIG, {
      epochs: 1,
      maxTrainExamples: 256,
      maxLength: 64,
      model: { vocabSize: 2000, dim: 32, ffnDim: 64 },
    }),
    seeds: 1,
  },
};
