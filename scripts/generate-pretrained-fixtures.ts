// Writes tiny random checkpoints of each pretrained family in the real Hugging Face folder layout
// (config.json, model.safetensors, tokenizer files) to test/fixtures/pretrained/<family>
// (bert, electra, roberta, distilbert).
// Seeded, so rerunning reproduces the committed files byte for byte (checked by a test).
// Usage: npx tsx scripts/generate-pretrained-fixtures.ts [out-folder]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mixSeed, normalArray } from '../shared/random';
import { familyOf } from '../main/models/registry';
import { parseHfConfig } from '../main/pretrained/hf-config';
import { serializeSafetensors, type TensorMap } from '../main/pretrained/safetensors';
import { encoderSpecs, headSpecs, huggingFaceName } from '../main/pretrained/weight-names';
import { bpeMerges, bpeVocab, wordPieceVocab } from './pretrained-fixture-vocab';

export const FIXTURE_ROOT = fileURLToPath(new URL('../test/fixtures/pretrained', import.meta.url));

interface FixtureSpec {
  /** The folder name, which is also the family's model_type. */
  name: 'bert' | 'electra' | 'roberta' | 'distilbert';
  config: Record<string, unknown>;
  labels: string[];
  seed: number;
  /** A pre-training head tensor a real checkpoint of the family carries: the loader must ignore it. */
  pretrainingTensor: string;
}

const wordPieceSize = wordPieceVocab().length;
const bpeSize = Object.keys(bpeVocab()).length;

const common = { hidden_act: 'gelu', hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1, initializer_range: 0.02, position_embedding_type: 'absolute' };

export const FIXTURES: FixtureSpec[] = [
  {
    name: 'bert',
    seed: 11,
    pretrainingTensor: 'cls.predictions.bias',
    labels: ['negative', 'positive'],
    config: { ...common, model_type: 'bert', vocab_size: wordPieceSize, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 64, type_vocab_size: 2, layer_norm_eps: 1e-12, pad_token_id: 0 },
  },
  {
    // embedding_size < hidden_size, as in the real ELECTRA-small: exercises embeddings_project.
    name: 'electra',
    seed: 12,
    pretrainingTensor: 'cls.predictions.bias',
    labels: ['no', 'yes'],
    config: { ...common, model_type: 'electra', vocab_size: wordPieceSize, embedding_size: 16, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, max_position_embeddings: 64, type_vocab_size: 2, layer_norm_eps: 1e-12, pad_token_id: 0, classifier_dropout: 0.2 },
  },
  {
    name: 'roberta',
    seed: 13,
    pretrainingTensor: 'lm_head.bias',
    labels: ['negative', 'neutral', 'positive'],
    config: { ...common, model_type: 'roberta', vocab_size: bpeSize, hidden_size: 48, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 96, max_position_embeddings: 66, type_vocab_size: 1, layer_norm_eps: 1e-5, pad_token_id: 1, bos_token_id: 0, eos_token_id: 2 },
  },
  {
    // DistilBertConfig's own names (dim, n_layers, ...), as distilbert-base-uncased's config.json has them.
    name: 'distilbert',
    seed: 14,
    pretrainingTensor: 'vocab_projector.bias',
    labels: ['negative', 'positive'],
    config: {
      model_type: 'distilbert', vocab_size: wordPieceSize, dim: 32, n_layers: 2, n_heads: 4, hidden_dim: 64, max_position_embeddings: 64, activation: 'gelu',
      dropout: 0.1, attention_dropout: 0.1, seq_classif_dropout: 0.2, qa_dropout: 0.1, initializer_range: 0.02, pad_token_id: 0, sinusoidal_pos_embds: false, tie_weights_: true,
    },
  },
];

/** Random weights with std 0.3 (LayerNorm gains around 1): large enough that a wrong mapping shows in the logits. */
function randomWeights(spec: FixtureSpec): TensorMap {
  const config = parseHfConfig(spec.config, `${spec.name} fixture`);
  const family = familyOf(config);
  const tensors: TensorMap = new Map();
  const specs = [...encoderSpecs(config), ...headSpecs(config, spec.labels.length)];
  specs.forEach((tensor, index) => {
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    const data = normalArray(size, 0.3, mixSeed(spec.seed, index));
    if (/(LayerNorm|layer_norm)\.weight$/.test(tensor.name)) for (let i = 0; i < size; i++) data[i] = 1 + data[i] / 3;
    tensors.set(huggingFaceName(family, tensor.name), { shape: tensor.shape, data });
  });
  tensors.set(spec.pretrainingTensor, { shape: [config.vocab_size], data: normalArray(config.vocab_size, 0.3, mixSeed(spec.seed, 999)) });
  // Sorted by name, as safetensors' own writer does: stable bytes.
  return new Map([...tensors].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function tokenizerFiles(spec: FixtureSpec): Record<string, string> {
  if (familyOf({ model_type: spec.name }).tokenizer === 'bpe') {
    const merges = ['#version: 0.2', ...bpeMerges().map(([a, b]) => `${a} ${b}`)].join('\n') + '\n';
    const config = { bos_token: '<s>', eos_token: '</s>', sep_token: '</s>', cls_token: '<s>', unk_token: '<unk>', pad_token: '<pad>', mask_token: '<mask>', add_prefix_space: false, model_max_length: 64 };
    return { 'vocab.json': JSON.stringify(bpeVocab()), 'merges.txt': merges, 'tokenizer_config.json': JSON.stringify(config, null, 2) + '\n' };
  }
  const config = { do_lower_case: true, unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]', model_max_length: 64 };
  return { 'vocab.txt': wordPieceVocab().join('\n') + '\n', 'tokenizer_config.json': JSON.stringify(config, null, 2) + '\n' };
}

export function fixtureFiles(spec: FixtureSpec): Record<string, Buffer> {
  const id2label = Object.fromEntries(spec.labels.map((label, i) => [String(i), label]));
  const label2id = Object.fromEntries(spec.labels.map((label, i) => [label, i]));
  const config = { architectures: [familyOf({ model_type: spec.name }).heads.sequence.architecture], ...spec.config, id2label, label2id, problem_type: 'single_label_classification' };
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from(JSON.stringify(config, null, 2) + '\n'),
    'model.safetensors': serializeSafetensors(randomWeights(spec), { format: 'pt' }),
  };
  for (const [name, text] of Object.entries(tokenizerFiles(spec))) files[name] = Buffer.from(text);
  return files;
}

export function writeFixtures(root: string): void {
  for (const spec of FIXTURES) {
    const folder = join(root, spec.name);
    mkdirSync(folder, { recursive: true });
    for (const [name, bytes] of Object.entries(fixtureFiles(spec))) writeFileSync(join(folder, name), bytes);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? FIXTURE_ROOT);
  writeFixtures(root);
  console.log(`wrote ${FIXTURES.map((f) => f.name).join(', ')} to ${root}`);
}
