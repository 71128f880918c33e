// Estimated training FLOPs of one optimizer step of a run (shared/flops.ts), from its config and
// the lengths of its dataset's training texts as the trainer encodes and crops them. Used by the
// compute view (main/services/comparison-analysis-service.ts) and, before a comparison starts, by
// the time estimate (main/services/time-estimate.ts): the same formula prices both.
import { join } from 'node:path';
import { copiesPerCropLevel, flopsPerStep } from '../../shared/flops';
import type { DatasetSummary, LossKind, RunConfig } from '../../shared/schemas';
import type { DatasetTextsRepo } from '../db/dataset-texts-repo';
import { readHfConfig } from '../pretrained/hf-config';
import { lengthsByCropLevel } from './training-lengths';

/** Training texts whose lengths estimate the mean cost of an example (evenly spaced over the split). */
const LENGTH_SAMPLE = 5000;

export class StepFlops {
  private readonly lengthSamples = new Map<string, number[][]>();

  constructor(private readonly texts: DatasetTextsRepo) {}

  perStep(config: RunConfig, loss: LossKind, dataset: DatasetSummary): number {
    return flopsPerStep({
      model: encoderShape(config.model),
      numClasses: Math.max(1, dataset.task === 'regression' ? 1 : dataset.labels.length),
      // maxTrainExamples caps the split by a seeded sample; the split's lengths estimate it.
      lengthsByCrop: this.trainingLengths(dataset.id, config.maxLength, loss === 'comparative' ? config.crops : 0),
      batchSize: config.batchSize,
      microBatches: config.gradAccumulation,
      copies: copiesPerCropLevel(loss, config.ablations, config.crops),
    });
  }

  /** Encoded and cropped as the trainer does (main/services/training-lengths.ts); cached per dataset and shape. */
  private trainingLengths(datasetId: string, maxLength: number, crops: number): number[][] {
    const key = `${datasetId}:${maxLength}:${crops}`;
    let lengths = this.lengthSamples.get(key);
    if (!lengths) {
      lengths = lengthsByCropLevel(this.texts.trainingSample(datasetId, LENGTH_SAMPLE), maxLength, crops);
      this.lengthSamples.set(key, lengths);
    }
    return lengths;
  }
}

/**
 * Width, depth and FFN width of the encoder a run trains: the built-in model's config, or a
 * pretrained checkpoint's config.json (same encoder layout: BERT, ELECTRA, RoBERTa). Word counts
 * stand in for its subword token counts, so a pretrained run's FLOPs are an underestimate.
 */
function encoderShape(model: RunConfig['model']): { dim: number; layers: number; ffnDim: number } {
  if (!model.pretrained) return model;
  try {
    const hf = readHfConfig(join(model.pretrained, 'config.json'));
    return { dim: hf.hidden_size, layers: hf.num_hidden_layers, ffnDim: hf.intermediate_size };
  } catch {
    // The folder was moved or deleted since the run: the built-in fields are the only record left.
    return model;
  }
}
