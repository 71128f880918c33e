// Entry point of a pretraining process (forked by main/cli/pretrain-command.ts): masked-language-
// model pretraining runs here, never on a front-end's event loop. Protocol: shared/pretrain-protocol.ts,
// every incoming message parsed against it. Exit 0 after 'done' or 'cancelled', 1 after 'error'.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { checkPretrainParentMessage, type PretrainerToParent, type PretrainStart } from '../../shared/pretrain-protocol';
import { selectBackend } from '../kernels/backends';
import { MASKED_LM_ARCHITECTURE, MaskedLanguageModel } from '../models/masked-lm';
import { exportMaskedLanguageModel } from '../pretrained/export';
import { loadPretrainedClassifier } from '../pretrained/load';
import { loadTokenizer } from '../pretrained/tokenizer';
import { pretrain } from './pretrain';
import { buildCorpus, readDocuments } from './pretrain-data';

let delivered: Promise<void> = Promise.resolve();

function send(message: PretrainerToParent): Promise<void> {
  const sent = new Promise<void>((done) => {
    if (!process.send || !process.connected) return done();
    process.send(message, undefined, undefined, () => done());
  });
  delivered = delivered.then(() => sent);
  return delivered;
}

let exiting = false;
async function finish(message: PretrainerToParent | null, code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  if (message) void send(message);
  await delivered;
  process.exit(code);
}

let cancelled = false;
let started = false;

async function run(start: PretrainStart): Promise<void> {
  const began = Date.now();
  const backend = await selectBackend(start.backend);
  const { settings } = start;
  const folder = resolve(start.source.folder);
  const tokenizer = await loadTokenizer(folder);
  const text = readFileSync(start.textsFile);
  const documents = readDocuments(start.textsFile);
  const corpus = buildCorpus(documents, tokenizer, { sequenceLength: settings.sequenceLength, validationShare: settings.validationShare, seed: settings.seed });
  const loaded = loadPretrainedClassifier(folder, { outputs: 2, seed: settings.seed, sepId: tokenizer.sepId });
  const model = new MaskedLanguageModel(loaded.model, loaded.checkpoint.tensors, settings.seed);
  await send({ type: 'ready', backend, documents: corpus.documents, trainBlocks: corpus.train.length, validationBlocks: corpus.validation.length });
  const result = await pretrain(model, corpus, tokenizer, settings, {
    step: (s) => void send({ type: 'step', step: s.step, loss: s.loss, learningRate: s.learningRate }),
    evaluation: (e) => {
      if (Number.isFinite(e.loss)) void send({ type: 'evaluation', step: e.step, loss: e.loss });
    },
    // Yielding lets a 'cancel' message in between steps.
    continue: () => new Promise((next) => setImmediate(() => next(!cancelled))),
  });
  if (result.completed < settings.steps) {
    model.dispose();
    return finish({ type: 'cancelled', step: result.completed }, 0);
  }
  const last = result.evaluations[result.evaluations.length - 1];
  const report = {
    objective: 'masked language model (BERT: 80% [MASK], 10% random token, 10% unchanged)',
    source: { folder },
    corpus: {
      file: resolve(start.textsFile),
      sha256: createHash('sha256').update(text).digest('hex'),
      documents: corpus.documents,
      tokens: corpus.tokens,
      trainBlocks: corpus.train.length,
      validationBlocks: corpus.validation.length,
    },
    settings,
    backend,
    trainLoss: result.steps.map((s) => [s.step, s.loss]),
    validationLoss: result.evaluations.map((e) => [e.step, e.loss]),
  };
  const files = exportMaskedLanguageModel({ config: model.config, tensors: model.checkpointTensors(), tokenizerFiles: tokenizer.files, report }, MASKED_LM_ARCHITECTURE, start.outFolder);
  model.dispose();
  await finish({ type: 'done', folder: start.outFolder, files, validationLoss: last.loss, seconds: (Date.now() - began) / 1000 }, 0);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function handle(raw: unknown): void {
  const checked = checkPretrainParentMessage(raw);
  if (!checked.ok) {
    void finish({ type: 'error', message: checked.problem }, 1);
    return;
  }
  const message = checked.message;
  if (message.type === 'cancel') {
    cancelled = true;
    if (!started) void finish({ type: 'cancelled', step: 0 }, 0);
    return;
  }
  if (started) return;
  started = true;
  run(message).catch((error) => {
    const badInput = error instanceof AppError && ['bad_input', 'not_found', 'invalid_request'].includes(error.code);
    return finish({ type: 'error', message: describe(error), ...(badInput ? { badInput } : {}) }, 1);
  });
}

process.on('uncaughtException', (error) => void finish({ type: 'error', message: describe(error) }, 1));
process.on('unhandledRejection', (reason) => void finish({ type: 'error', message: describe(reason) }, 1));
process.on('message', handle);
process.on('disconnect', () => {
  cancelled = true;
  void finish(null, 0);
});
