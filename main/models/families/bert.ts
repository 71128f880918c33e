// BERT (Devlin et al. 2019; transformers' modeling_bert.py): token type embeddings, and a head of
// the pooler (dense + tanh over [CLS], part of BertModel) then dropout and the classifier.
import { bertStyleBlock, bertStyleConfigJson, bertStyleConfigSchema } from './bert-style';
import type { ModelFamily } from './family';

export const bert: ModelFamily = {
  modelType: 'bert',
  label: 'BERT',
  architecture: 'BertForSequenceClassification',
  prefix: 'bert',
  tokenizer: 'wordpiece',
  configSchema: bertStyleConfigSchema('bert'),
  configJson: bertStyleConfigJson,
  embeddings: { tokenTypes: true, positionsAfterPadding: false, projected: false },
  block: bertStyleBlock,
  attentionOutputDropout: true,
  head: [
    { name: 'pooler.dense', dropoutBefore: false, activation: 'tanh', inBaseModel: true },
    { name: 'classifier', dropoutBefore: true },
  ],
};
