// The model picker's choice reaching the start request, and the paper's learning-rate rule.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatParameters, recommendedLearningRate, sizeClassOf } from '../../shared/models';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';
import { buildStartRequest, draftFromDefaults } from '../../renderer/lib/settings';
import { builtinParameterCount } from '../../main/services/model-service';

describe('choosing a model for a comparison', () => {
  it('sends nothing for the built-in model, and model.pretrained plus the chosen rate otherwise', () => {
    const draft = draftFromDefaults(DEFAULT_RUN_CONFIG, 3);
    expect(draft.model).toBe('builtin');
    expect(buildStartRequest('d1', draft, DEFAULT_RUN_CONFIG, 3)).toEqual({ ok: true, request: { datasetId: 'd1' } });
    const chosen = { ...draft, model: 'google/electra-small-discriminator', learningRate: '0.0001' };
    expect(buildStartRequest('d1', chosen, DEFAULT_RUN_CONFIG, 3)).toEqual({
      ok: true,
      request: { datasetId: 'd1', config: { learningRate: 1e-4, model: { pretrained: 'google/electra-small-discriminator' } } },
    });
  });
});

describe('recommended learning rate by size (Zhu et al.: 2e-4 tiny, 1e-4 small, 3e-5 base)', () => {
  it('classes real model sizes as the paper does', () => {
    expect([sizeClassOf(4_400_000), recommendedLearningRate(4_400_000)]).toEqual(['tiny', 2e-4]); // BERT-tiny
    expect([sizeClassOf(13_500_000), recommendedLearningRate(13_500_000)]).toEqual(['small', 1e-4]); // ELECTRA-small
    expect([sizeClassOf(110_000_000), recommendedLearningRate(110_000_000)]).toEqual(['base', 3e-5]); // BERT-base
    expect(recommendedLearningRate(null)).toBe(3e-5); // unknown size: the most careful rate
  });

  it('formats counts and sizes as people read them', () => {
    expect([formatParameters(25_138), formatParameters(13_548_800), formatParameters(999)]).toEqual(['25.1k', '13.5M', '999']);
    expect([formatBytes(104_952), formatBytes(440 * 1024 ** 2), formatBytes(null)]).toEqual(['102.5 KB', '440.0 MB', '-']);
  });

  it('counts the built-in encoder by hand', () => {
    // vocab 100 x dim 8 + positions 16 x 8 + norm 16; one layer: 4 x (64 + 8) + (8x32 + 32) + (32x8 + 8) + 32 = 872.
    expect(builtinParameterCount({ vocabSize: 100, dim: 8, layers: 1, heads: 2, ffnDim: 32 }, 16)).toBe(800 + 128 + 16 + 872);
  });
});
