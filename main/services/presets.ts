import { DEFAULT_RUN_CONFIG, mergeRunConfig, type RunConfig } from '../../shared/schemas';
import type { PresetInfo } from '../../shared/app-info';
import type { PresetName } from '../../shared/vocabulary';

export type { PresetName };

export interface Preset {
  config: RunConfig;
  seeds: number;
  /** Choose epochs from the dataset's size when a run does not set them (shared/training-budget.ts). */
  sizeEpochsToData: boolean;
  /** How the start card offers it. */
  label: string;
  description: string;
}

/**
 * `default` is what "Fine-tune & compare" runs; `quick` is a seconds-long smoke run on a slice
 * of the data, for tests and first looks (browser mode `--preset quick`, CLI `--preset quick`,
 * the start card's preset choice).
 */
export const PRESETS: Record<PresetName, Preset> = {
  default: {
    config: DEFAULT_RUN_CONFIG,
    seeds: 3,
    sizeEpochsToData: true,
    label: 'Standard',
    description: '3 seeds, epochs sized to the data: an answer with statistics',
  },
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
    label: 'Quick look',
    description: '1 seed, 1 epoch on 256 examples with a small model: seconds, to see that everything works (one seed gives no verdict)',
  },
};

/** Every preset as the app lists it (AppInfo.presets). */
export function presetInfos(): PresetInfo[] {
  return (Object.keys(PRESETS) as PresetName[]).map((name) => {
    const p = PRESETS[name];
    return { name, label: p.label, description: p.description, defaults: p.config, seeds: p.seeds, epochsSizedToData: p.sizeEpochsToData };
  });
}
