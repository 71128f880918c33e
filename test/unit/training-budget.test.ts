// Epochs sized to the data when the run does not set them (shared/training-budget.ts).
import { describe, expect, it } from 'vitest';
import { withTrainingBudget } from '../../shared/training-budget';
import { DEFAULT_RUN_CONFIG, type DatasetSummary } from '../../shared/schemas';

const dataset = (train: number) => ({ splits: { train, validation: 0 } }) as DatasetSummary;

describe('training budget', () => {
  it('leaves the embedded sample (1,600 training rows, 150 steps in 3 epochs) as it is', () => {
    expect(withTrainingBudget(DEFAULT_RUN_CONFIG, {}, dataset(1600))).toBe(DEFAULT_RUN_CONFIG);
  });

  it('gives a 240-row training split 19 epochs (8 steps each, 150 steps) with early stopping', () => {
    const config = withTrainingBudget(DEFAULT_RUN_CONFIG, {}, dataset(240));
    expect(config.epochs).toBe(19);
    expect(config.earlyStoppingPatience).toBe(3);
  });

  it('caps tiny datasets at 20 epochs and never overrides what the run set', () => {
    expect(withTrainingBudget(DEFAULT_RUN_CONFIG, {}, dataset(10)).epochs).toBe(20);
    expect(withTrainingBudget(DEFAULT_RUN_CONFIG, { epochs: 2 }, dataset(240))).toBe(DEFAULT_RUN_CONFIG);
    expect(withTrainingBudget({ ...DEFAULT_RUN_CONFIG, earlyStoppingPatience: 0 }, { earlyStoppingPatience: 0 }, dataset(240)).earlyStoppingPatience).toBe(0);
  });
});
