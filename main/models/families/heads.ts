// The two kinds of task head the families' originals put over the encoder: a
// *ForSequenceClassification head over the first token (layers differ family by family, dropout
// at classifier_dropout, else hidden_dropout_prob), and *ForQuestionAnswering's qa_outputs, one
// linear layer from each token's final hidden state to its start and end logits, at the
// checkpoint's top level.
import type { FamilyHead, HeadLayer, HfConfig } from './family';

/** The classifier head's dropout: classifier_dropout when set, else hidden_dropout_prob (as in the originals). */
export function classifierDropout(config: HfConfig): number {
  return config.classifier_dropout ?? config.hidden_dropout_prob;
}

export function sequenceClassificationHead(architecture: string, layers: readonly HeadLayer[]): FamilyHead {
  return { architecture, layers, dropout: classifierDropout };
}

/**
 * qa_outputs over every token. `dropout`: the probability of a dropout on the hidden states
 * before it, where the original has one (DistilBERT's qa_dropout); BERT, ELECTRA and RoBERTa have none.
 */
export function questionAnsweringHead(architecture: string, dropout?: (config: HfConfig) => number): FamilyHead {
  return { architecture, layers: [{ name: 'qa_outputs', dropoutBefore: dropout !== undefined }], dropout: dropout ?? (() => 0) };
}
