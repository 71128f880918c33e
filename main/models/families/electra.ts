// ELECTRA's discriminator (Clark et al. 2020; transformers' modeling_electra.py): BERT's layers
// over embeddings of embedding_size (smaller in ELECTRA-small), mapped to hidden_size by
// embeddings_project, and ElectraClassificationHead: dropout, dense, GELU, dropout, out_proj.
import { bertStyleBlock, bertStyleConfigJson, bertStyleConfigSchema } from './bert-style';
import type { ModelFamily } from './family';

export const electra: ModelFamily = {
  modelType: 'electra',
  label: 'ELECTRA',
  architecture: 'ElectraForSequenceClassification',
  prefix: 'electra',
  tokenizer: 'wordpiece',
  configSchema: bertStyleConfigSchema('electra'),
  configJson: bertStyleConfigJson,
  embeddings: { tokenTypes: true, positionsAfterPadding: false, projected: true },
  block: bertStyleBlock,
  attentionOutputDropout: true,
  head: [
    { name: 'classifier.dense', dropoutBefore: true, activation: 'gelu' },
    { name: 'classifier.out_proj', dropoutBefore: true },
  ],
};
