// RoBERTa (Liu et al. 2019; transformers' modeling_roberta.py): BERT's layers, positions numbered
// from pad_token_id + 1 (create_position_ids_from_input_ids), byte-level BPE, and
// RobertaClassificationHead: dropout, dense, tanh, dropout, out_proj. RobertaForQuestionAnswering:
// qa_outputs over every token (no pooler, no dropout).
import { bertStyleBlock, bertStyleConfigJson, bertStyleConfigSchema } from './bert-style';
import type { ModelFamily } from './family';
import { questionAnsweringHead, sequenceClassificationHead } from './heads';

export const roberta: ModelFamily = {
  modelType: 'roberta',
  label: 'RoBERTa',
  prefix: 'roberta',
  tokenizer: 'bpe',
  configSchema: bertStyleConfigSchema('roberta'),
  configJson: bertStyleConfigJson,
  embeddings: { tokenTypes: true, positionsAfterPadding: true, projected: false },
  block: bertStyleBlock,
  attentionOutputDropout: true,
  heads: {
    sequence: sequenceClassificationHead('RobertaForSequenceClassification', [
      { name: 'classifier.dense', dropoutBefore: true, activation: 'tanh' },
      { name: 'classifier.out_proj', dropoutBefore: true },
    ]),
    tokens: questionAnsweringHead('RobertaForQuestionAnswering'),
  },
};
