// BERT (Devlin et al. 2019; transformers' modeling_bert.py): token type embeddings, and a head of
// the pooler (dense + tanh over [CLS], part of BertModel) then dropout and the classifier.
// BertForQuestionAnswering has no pooler (add_pooling_layer=False) and no dropout: qa_outputs only.
import { bertStyleBlock, bertStyleConfigJson, bertStyleConfigSchema } from './bert-style';
import type { ModelFamily } from './family';
import { questionAnsweringHead, sequenceClassificationHead } from './heads';

export const bert: ModelFamily = {
  modelType: 'bert',
  label: 'BERT',
  prefix: 'bert',
  tokenizer: 'wordpiece',
  configSchema: bertStyleConfigSchema('bert'),
  configJson: bertStyleConfigJson,
  embeddings: { tokenTypes: true, positionsAfterPadding: false, projected: false },
  block: bertStyleBlock,
  attentionOutputDropout: true,
  heads: {
    sequence: sequenceClassificationHead('BertForSequenceClassification', [
      { name: 'pooler.dense', dropoutBefore: false, activation: 'tanh', inBaseModel: true },
      { name: 'classifier', dropoutBefore: true },
    ]),
    tokens: questionAnsweringHead('BertForQuestionAnswering'),
  },
};
