// ELECTRA's discriminator (Clark et al. 2020; transformers' modeling_electra.py): BERT's layers
// over embeddings of embedding_size (smaller in ELECTRA-small), mapped to hidden_size by
// embeddings_project, and ElectraClassificationHead: dropout, dense, GELU, dropout, out_proj.
// ElectraForQuestionAnswering: qa_outputs over every token, no dropout.
import { bertStyleBlock, bertStyleConfigJson, bertStyleConfigSchema } from './bert-style';
import type { ModelFamily } from './family';
import { questionAnsweringHead, sequenceClassificationHead } from './heads';

export const electra: ModelFamily = {
  modelType: 'electra',
  label: 'ELECTRA',
  prefix: 'electra',
  tokenizer: 'wordpiece',
  configSchema: bertStyleConfigSchema('electra'),
  configJson: bertStyleConfigJson,
  embeddings: { tokenTypes: true, positionsAfterPadding: false, projected: true },
  block: bertStyleBlock,
  attentionOutputDropout: true,
  heads: {
    sequence: sequenceClassificationHead('ElectraForSequenceClassification', [
      { name: 'classifier.dense', dropoutBefore: true, activation: 'gelu' },
      { name: 'classifier.out_proj', dropoutBefore: true },
    ]),
    tokens: questionAnsweringHead('ElectraForQuestionAnswering'),
  },
};
