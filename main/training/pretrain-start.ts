// The model and tokenizer a pretraining run starts from: a model folder as it is (continued,
// domain-adaptive pretraining), or a new BERT whose WordPiece vocabulary is first learned from the
// same text (main/pretrained/wordpiece-trainer.ts) and whose weights are drawn fresh from the seed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PretrainSource } from '../../shared/pretrain-protocol';
import { bert } from '../models/families/bert';
import { freshEncoderWeights, MaskedLanguageModel } from '../models/masked-lm';
import { PretrainedEncoderClassifier } from '../models/pretrained-classifier';
import { loadPretrainedClassifier } from '../pretrained/load';
import { loadTokenizer, type PretrainedTokenizer } from '../pretrained/tokenizer';
import { wordPieceTokenizerFile } from '../pretrained/wordpiece-trainer';

export interface StartingPoint {
  model: MaskedLanguageModel;
  tokenizer: PretrainedTokenizer;
  /** What pretraining.json says the run started from. */
  description: Record<string, unknown>;
  /** Removes what was staged for a new model (its tokenizer files, once copied into the output). */
  cleanUp(): void;
}

export async function startingPoint(source: PretrainSource, documents: readonly string[], seed: number): Promise<StartingPoint> {
  if (source.kind === 'folder') {
    const folder = resolve(source.folder);
    const tokenizer = await loadTokenizer(folder);
    const loaded = loadPretrainedClassifier(folder, { outputs: 2, seed, sepId: tokenizer.sepId });
    const model = new MaskedLanguageModel(loaded.model, loaded.checkpoint.tensors, seed);
    return { model, tokenizer, description: { kind: 'folder', folder }, cleanUp: () => undefined };
  }
  const { encoder } = source;
  const staging = mkdtempSync(join(tmpdir(), 'comparo-vocabulary-'));
  try {
    writeFileSync(join(staging, 'tokenizer.json'), JSON.stringify(wordPieceTokenizerFile(documents, { vocabSize: encoder.vocabSize })));
    // What transformers' AutoTokenizer reads beside tokenizer.json.
    writeFileSync(join(staging, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'BertTokenizerFast', do_lower_case: true, model_max_length: encoder.maxPositions }, null, 2) + '\n');
    const tokenizer = await loadTokenizer(staging);
    const config = bert.configSchema.parse({
      model_type: 'bert',
      vocab_size: tokenizer.vocabSize,
      hidden_size: encoder.hiddenSize,
      num_hidden_layers: encoder.layers,
      num_attention_heads: encoder.heads,
      intermediate_size: encoder.intermediateSize,
      max_position_embeddings: encoder.maxPositions,
      pad_token_id: tokenizer.padId,
    });
    const classifier = new PretrainedEncoderClassifier(config, freshEncoderWeights(config, seed), { outputs: 2, seed, sepId: tokenizer.sepId });
    const model = new MaskedLanguageModel(classifier, new Map(), seed);
    const description = { kind: 'new', encoder, vocabulary: { tokens: tokenizer.vocabSize, trainer: 'WordPiece (the Hugging Face tokenizers algorithm, main/pretrained/wordpiece-trainer.ts)' } };
    return { model, tokenizer, description, cleanUp: () => rmSync(staging, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
