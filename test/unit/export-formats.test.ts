// The "Export model" control offers Hugging Face only where the services can write it.
import { describe, expect, it } from 'vitest';
import { exportFormats } from '../../renderer/lib/export-formats';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';

describe('export formats offered for a run', () => {
  it('offers Hugging Face first for a run fine-tuned from a pretrained folder, TF.js only for the built-in model', () => {
    expect(exportFormats({ config: { ...DEFAULT_RUN_CONFIG, model: { ...DEFAULT_RUN_CONFIG.model, pretrained: '/models/bert-tiny' } } })).toEqual(['huggingface', 'tfjs']);
    expect(exportFormats({ config: DEFAULT_RUN_CONFIG })).toEqual(['tfjs']);
  });
});
