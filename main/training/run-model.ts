// The model and the text encoding of one run: the built-in TransformerClassifier with a word
// tokenizer fitted on the training texts, or a pretrained encoder of a registered family
// (main/models/registry.ts: BERT, ELECTRA, RoBERTa, DistilBERT) with
// its own tokenizer (config.model.pretrained). The engine trains either through SequenceClassifier.
import type { RunConfig } from '../../shared/schemas';
import { maxSequenceLength } from '../pretrained/hf-config';
import { loadPretrainedClassifier } from '../pretrained/load';
import { encodePretrainedSegmented } from './segmented-encoding';
import { loadTokenizer } from '../pretrained/tokenizer';
import type { SequenceClassifier } from '../models/sequence-classifier';
import type { CheckpointHeader } from './checkpoint';
import { encodeSegmented } from './crops';
import type { RowEncoder } from './data';
import { TransformerClassifier } from '../models/builtin-classifier';
import { WordTokenizer } from './tokenizer';
import { builtinQaTokenizer, pretrainedQaTokenizer, type QaTokenizer } from '../tasks/qa-tokenize';
import { familyOf } from '../models/registry';

export interface RunModel {
  model: SequenceClassifier;
  encodeRow: RowEncoder;
  /** The longest input actually used: config.maxLength, capped by a pretrained model's positions. */
  maxLength: number;
  /** Recorded in checkpoints to rebuild the tokenizer: the word vocabulary (built-in) ... */
  vocabulary: string[];
  /** ... or the pretrained folder (null for built-in runs). */
  pretrained: string | null;
  /** Pretrained head tensors the folder lacked, initialised fresh (empty otherwise). */
  initialisedHead: string[];
  /** Question answering ('tokens' heads): the tokenizer with character offsets and the pair layout. */
  qaTokenizer?: QaTokenizer;
}

/** The head a run builds over the encoder (main/tasks/task-head.ts): its width and what it reads. */
export interface HeadShape {
  outputs: number;
  reads: 'sequence' | 'tokens';
}

/**
 * The built-in vocabulary has no [CLS] / [SEP]; question answering needs both ([CLS]'s position is
 * "no answer"), so the word vocabulary is fitted two entries short and they take the last two ids.
 */
const BUILTIN_QA_SPECIALS = 2;

/**
 * `texts` are the training texts (the word vocabulary is fitted on them); `resumed` is the header
 * of the checkpoint a run continues from (its vocabulary is reused rather than refitted).
 */
export async function buildRunModel(config: RunConfig, head: HeadShape, seed: number, texts: () => string[], resumed: CheckpointHeader | null): Promise<RunModel> {
  const { outputs, reads } = head;
  const folder = resumed?.pretrained ?? config.model.pretrained;
  if (folder) {
    const tokenizer = await loadTokenizer(folder);
    const { model, checkpoint, initialisedHead } = loadPretrainedClassifier(folder, {
      outputs,
      reads,
      seed,
      sepId: tokenizer.sepId,
      // The run's p is the unit of the ablation rates; each site keeps the model's own probability.
      referenceDropout: config.dropout,
    });
    if (tokenizer.vocabSize > checkpoint.config.vocab_size) {
      model.dispose();
      throw new Error(`${folder}: the tokenizer has ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${checkpoint.config.vocab_size}.`);
    }
    const maxLength = Math.min(config.maxLength, maxSequenceLength(checkpoint.config));
    return {
      model,
      encodeRow: (text, pair, required) => encodePretrainedSegmented(tokenizer, text, pair ?? undefined, maxLength, required),
      maxLength,
      vocabulary: [],
      pretrained: folder,
      initialisedHead,
      ...(reads === 'tokens' ? { qaTokenizer: pretrainedQaTokenizer(tokenizer, familyOf(checkpoint.config).tokenizer === 'wordpiece' ? 'wordpiece' : 'byte-level') } : {}),
    };
  }
  // On resume the saved vocabulary is used: refitting would give the same one, but the
  // checkpoint must not depend on that staying true.
  const specials = reads === 'tokens' ? BUILTIN_QA_SPECIALS : 0;
  const tokenizer = resumed ? WordTokenizer.fromVocabulary(resumed.vocabulary) : WordTokenizer.fit(texts(), config.model.vocabSize - specials);
  const model = new TransformerClassifier({ ...config.model, maxLength: config.maxLength, numClasses: outputs, reads }, seed);
  const { vocabSize } = config.model;
  return {
    model,
    // The built-in model reads one text: a pair is joined by a line break so both reach it.
    encodeRow: (text, pair, required) => encodeSegmented(tokenizer, pair == null ? text : `${text}\n${pair}`, config.maxLength, required),
    maxLength: config.maxLength,
    vocabulary: [...tokenizer.vocabulary],
    pretrained: null,
    initialisedHead: [],
    ...(reads === 'tokens' ? { qaTokenizer: builtinQaTokenizer(tokenizer, { clsId: vocabSize - 2, sepId: vocabSize - 1 }) } : {}),
  };
}
