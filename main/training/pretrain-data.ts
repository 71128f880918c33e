// Unlabeled text as masked-language-model batches. Texts are tokenized, joined with [SEP] between
// documents and cut into blocks of exactly `sequenceLength` tokens ([CLS] piece... [SEP]), as
// transformers' run_mlm.py group_texts does, so no step spends compute on padding; a remainder
// shorter than a block is dropped, unless it is all there is. A share of the blocks is held out
// for a validation loss with fixed masks, so the curve in the output folder says whether the
// model learned the text or memorised its training blocks. Every draw is seeded by (seed, step),
// so a step's batch and masks depend on nothing but its number.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors';
import { mixSeed, mulberry32, shuffledIndices } from '../../shared/random';
import type { MaskedBatch } from '../models/masked-lm';
import type { PretrainedTokenizer } from '../pretrained/tokenizer';
import { IGNORE_LABEL, maskTokens, type MaskingOptions, wordPieceStarts } from './mlm-masking';

/** What pretraining needs of a tokenizer. */
export type PretrainTokenizer = Pick<PretrainedTokenizer, 'vocabSize' | 'padId' | 'clsId' | 'sepId' | 'maskId' | 'specialIds' | 'tokenOf' | 'tokenize'>;

/** One document per non-empty line: the format a text corpus and a dataset's texts are handed over in. */
export function readDocuments(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export interface Block {
  ids: number[];
  /** 1 = token, 0 = padding (only a corpus shorter than one block has any). */
  mask: number[];
}

export interface PretrainCorpus {
  train: Block[];
  validation: Block[];
  documents: number;
  tokens: number;
}

/** Enough held-out blocks for a steady loss (~5,000 predicted tokens at 128), few enough to evaluate often. */
export const MAX_VALIDATION_BLOCKS = 256;

export interface CorpusOptions {
  sequenceLength: number;
  validationShare: number;
  seed: number;
}

/** Blocks of the texts, split into training and held-out validation blocks. */
export function buildCorpus(texts: Iterable<string>, tokenizer: PretrainTokenizer, options: CorpusOptions): PretrainCorpus {
  const body = options.sequenceLength - 2;
  if (body < 1) throw new AppError('bad_input', `the sequence length must be at least 3 (room for [CLS], one token and [SEP]), got ${options.sequenceLength}`);
  const stream: number[] = [];
  let documents = 0;
  for (const text of texts) {
    const ids = tokenizer.tokenize(text);
    if (ids.length === 0) continue;
    if (documents > 0) stream.push(tokenizer.sepId);
    for (const id of ids) stream.push(id);
    documents++;
  }
  const blocks: Block[] = [];
  for (let start = 0; start + body <= stream.length; start += body) {
    blocks.push({ ids: [tokenizer.clsId, ...stream.slice(start, start + body), tokenizer.sepId], mask: new Array(options.sequenceLength).fill(1) });
  }
  if (blocks.length === 0 && stream.length > 0) {
    const padding = body - stream.length;
    blocks.push({
      ids: [tokenizer.clsId, ...stream, tokenizer.sepId, ...new Array(padding).fill(tokenizer.padId)],
      mask: [...new Array(stream.length + 2).fill(1), ...new Array(padding).fill(0)],
    });
  }
  if (blocks.length < 2) throw new AppError('bad_input', `the text gives ${blocks.length} block(s) of ${options.sequenceLength} tokens; pretraining needs at least 2 (one to train on, one held out): give more text or a shorter sequence length`);
  const held = Math.min(blocks.length - 1, MAX_VALIDATION_BLOCKS, Math.max(1, Math.round(blocks.length * options.validationShare)));
  const order = shuffledIndices(blocks.length, mulberry32(mixSeed(options.seed, 0x5b11)));
  const validation = order.slice(0, held).sort((a, b) => a - b).map((i) => blocks[i]);
  const train = order.slice(held).sort((a, b) => a - b).map((i) => blocks[i]);
  return { train, validation, documents, tokens: stream.length };
}

export interface MaskSettings {
  probability: number;
  wholeWord: boolean;
}

function maskingOptions(tokenizer: PretrainTokenizer, settings: MaskSettings): Omit<MaskingOptions, 'wordStarts'> {
  if (tokenizer.maskId === null) throw new AppError('bad_input', 'the tokenizer has no [MASK] token, which masked-language-model pretraining needs');
  return { probability: settings.probability, maskId: tokenizer.maskId, vocabSize: tokenizer.vocabSize, specialIds: tokenizer.specialIds };
}

/** Masked inputs of `blocks` as one batch; `random` draws every mask. */
export function maskedBatch(blocks: readonly Block[], tokenizer: PretrainTokenizer, settings: MaskSettings, random: () => number): MaskedBatch {
  const options = maskingOptions(tokenizer, settings);
  const length = blocks[0].ids.length;
  const ids = new Int32Array(blocks.length * length);
  const mask = new Float32Array(blocks.length * length);
  const positions: number[] = [];
  const targets: number[] = [];
  blocks.forEach((block, b) => {
    const wordStarts = settings.wholeWord ? wordPieceStarts(block.ids.map((id) => tokenizer.tokenOf(id) ?? '')) : undefined;
    const masked = maskTokens(block.ids, { ...options, wordStarts }, random);
    masked.inputIds.forEach((id, t) => {
      ids[b * length + t] = id;
      mask[b * length + t] = block.mask[t];
      if (masked.labels[t] !== IGNORE_LABEL) {
        positions.push(b * length + t);
        targets.push(masked.labels[t]);
      }
    });
  });
  return {
    ids: tf.tensor2d(ids, [blocks.length, length], 'int32'),
    mask: tf.tensor2d(mask, [blocks.length, length], 'float32'),
    positions: Int32Array.from(positions),
    targets: Int32Array.from(targets),
  };
}

/** The training blocks of step `step`: a fresh seeded permutation per pass over the corpus. */
export function stepBlocks(train: readonly Block[], step: number, batchSize: number, seed: number): Block[] {
  const n = train.length;
  const out: Block[] = [];
  let order: number[] | null = null;
  let orderEpoch = -1;
  for (let i = 0; i < batchSize; i++) {
    const flat = step * batchSize + i;
    const epoch = Math.floor(flat / n);
    if (epoch !== orderEpoch) {
      order = shuffledIndices(n, mulberry32(mixSeed(seed, 0xe90c, epoch)));
      orderEpoch = epoch;
    }
    out.push(train[order![flat % n]]);
  }
  return out;
}

/** The seeded generator of step `step`'s masks (training) or of validation block `index`'s (fixed across evaluations). */
export function maskRandom(seed: number, kind: 'train' | 'validation', index: number): () => number {
  return mulberry32(mixSeed(seed, kind === 'train' ? 0x6d61 : 0x7661, index));
}

export function disposeBatch(batch: MaskedBatch): void {
  batch.ids.dispose();
  batch.mask.dispose();
}
