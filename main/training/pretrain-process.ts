// Entry point of a pretraining process (forked by main/cli/pretrain-command.ts): masked-language-
// model pretraining runs here, never on a front-end's event loop. Protocol: shared/pretrain-protocol.ts,
// every incoming message parsed against it. Exit 0 after 'done' or 'cancelled', 1 after 'error'.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { checkPretrainParentMessage, type PretrainerToParent, type PretrainStart } from '../../shared/pretrain-protocol';
import { selectBackend } from '../kernels/backends';
import { maxSequenceLength } from '../models/hf-config';
import { MASKED_LM_ARCHITECTURE } from '../models/masked-lm';
import { exportMaskedLanguageModel } from '../pretrained/export';
import { pretrain } from './pretrain';
import { buildCorpus, readDocuments } from './pretrain-data';
import { startingPoint } from './pretrain-start';

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
  const requested = start.settings;
  const text = readFileSync(start.textsFile);
  const documents = readDocuments(start.textsFile);
  const { model, tokenizer, description, cleanUp } = await startingPoint(start.source, documents, requested.seed);
  // Blocks no longer than the model's position table (a 512-position BERT asked for 1024 reads 512).
  const settings = { ...requested, sequenceLength: Math.min(requested.sequenceLength, maxSequenceLength(model.config)) };
  let outcome: PretrainerToParent | null = null;
  try {
    const corpus = buildCorpus(documents, tokenizer, { sequenceLength: settings.sequenceLength, validationShare: settings.validationShare, seed: settings.seed });
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
      outcome = { type: 'cancelled', step: result.completed };
      return;
    }
    const last = result.evaluations[result.evaluations.length - 1];
    const report = {
      objective: 'masked language model (BERT: 80% [MASK], 10% random token, 10% unchanged)',
      source: description,
      corpus: {
        sha256: createHash('sha256').update(text).digest('hex'),
        documents: corpus.documents,
        tokens: corpus.tokens,
        trainBlocks: corpus.train.length,
        validationBlocks: corpus.validation.length,
      },
      settings,
      backend,
      // Median step time: what a longer schedule on this machine would take per step.
      msPerStep: median(result.steps.map((s) => s.ms)),
      trainLoss: result.steps.map((s) => [s.step, s.loss]),
      validationLoss: result.evaluations.map((e) => [e.step, e.loss]),
    };
    const files = exportMaskedLanguageModel({ config: model.config, tensors: model.checkpointTensors(), tokenizerFiles: tokenizer.files, report }, MASKED_LM_ARCHITECTURE, start.outFolder);
    model.dispose();
    outcome = { type: 'done', folder: start.outFolder, files, validationLoss: last.loss, seconds: (Date.now() - began) / 1000 };
  } finally {
    // Before exiting: process.exit would skip a finally that came after it.
    cleanUp();
  }
  await finish(outcome, 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)];
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
