// RoBERTa (Liu et al. 2019; transformers' modeling_roberta.py): BERT's layers, positions numbered
// from pad_token_id + 1 (create_position_ids_from_input_ids), byte-level BPE, and
// RobertaClassificationHead: dropout, dense, tanh, dropout, out_proj.
import { bertStyleBlock, bertStyleConfigJson, bertStyleConfigSchema } from './bert-style';
import type { ModelFamily } from './family';

export const roberta: ModelFamily = {
  modelType: 'roberta',
  label: 'RoBERTa',
  architecture: 'RobertaForSequenceClassification',
  prefix: 'roberta',
  tokenizer: 'bpe',
  configSchema: bertStyleConfigSchema('roberta'),
  configJson: bertStyleConfigJson,
  embeddings: { tokenTypes: true, positionsAfterPadding: true, projected: false },
  block: bertStyleBlock,
  attentionOutputDropout: true,
  head: [
    { name: 'classifier.dense', dropoutBefore: true, activation: 'tanh' },
    { name: 'classifier.out_proj', dropoutBefore: true },
  ],
};
