// `npm run cli -- pretrain --model <folder> (--dataset <id|file|name> | --texts <file>) --steps N`:
// continued masked-language-model pretraining of a model folder on unlabeled text (a dataset's
// training texts, or a plain-text file), written out as a new model folder that `--model` takes.
// The work runs in a child process (main/training/pretrain-process.ts); this one relays progress
// and Ctrl+C.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { checkPretrainerMessage, type NewEncoder, type PretrainerToParent, type PretrainSettingsMessage, type PretrainSource, type PretrainStart } from '../../shared/pretrain-protocol';
import { BackendRequestSchema } from '../../shared/vocabulary';
import { openDatabase } from '../db/connection';
import { DatasetsRepo } from '../db/datasets-repo';
import { processEntry } from '../training/node-launcher';

export const PRETRAIN_USAGE = `  pretrain (--model <folder> | --from-scratch tiny|mini|small [--vocab-size N])
           (--dataset <id|file|imdb|spam> | --texts <file.txt>) [--steps N] [--out <folder>]
           [--batch-size N] [--sequence-length N] [--lr x] [--mask-probability p] [--whole-word] [--seed N]
                                         masked-language-model pretraining on a dataset's training texts (never
                                         its validation or test texts) or a plain-text file (one document per
                                         line): continued from a BERT-layout folder, or a new BERT (tiny 2x128,
                                         mini 4x256, small 4x512) with a WordPiece vocabulary learned from the
                                         same text; writes a model folder that --model takes (default
                                         <data dir>/models/<name>-adapted-<steps> or bert-<size>-<steps>)`;

/** The BERT sizes of Turc et al.'s "Well-Read Students Learn Better" (google/bert_uncased_L-*_H-*). */
export const NEW_ENCODER_SIZES: Record<string, Omit<NewEncoder, 'vocabSize'>> = {
  tiny: { hiddenSize: 128, layers: 2, heads: 2, intermediateSize: 512, maxPositions: 512 },
  mini: { hiddenSize: 256, layers: 4, heads: 4, intermediateSize: 1024, maxPositions: 512 },
  small: { hiddenSize: 512, layers: 4, heads: 8, intermediateSize: 2048, maxPositions: 512 },
};

/** A vocabulary a small corpus fills and a ~20 MB model affords (the embeddings are vocabulary x hidden). */
export const DEFAULT_NEW_VOCABULARY = 6000;

export interface PretrainOptions {
  model?: string;
  texts?: string;
  /** The dataset id, already imported by the caller when it was a file or an embedded name. */
  datasetId?: string;
  out?: string;
  dataDir: string;
  json: boolean;
  values: Record<string, string | boolean | undefined>;
  usage(message: string): never;
  print(value: unknown, text: string): void;
}

/** BERT's continued-pretraining recipe at a size a laptop runs (Gururangan et al.'s DAPT uses these rates). */
export const PRETRAIN_DEFAULTS: PretrainSettingsMessage = {
  steps: 200,
  batchSize: 16,
  sequenceLength: 128,
  learningRate: 5e-5,
  warmupFraction: 0.06,
  weightDecay: 0.01,
  clipNorm: 1,
  probability: 0.15,
  wholeWord: false,
  seed: 1,
  evaluateEvery: 50,
  validationShare: 0.05,
};

function numberOption(values: PretrainOptions['values'], name: string, usage: PretrainOptions['usage']): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(n)) usage(`--${name} expects a number, got "${String(raw)}"`);
  return n;
}

export function pretrainSettings(values: PretrainOptions['values'], usage: PretrainOptions['usage']): PretrainSettingsMessage {
  const pick = (name: string) => numberOption(values, name, usage);
  const steps = pick('steps') ?? PRETRAIN_DEFAULTS.steps;
  return {
    ...PRETRAIN_DEFAULTS,
    steps,
    batchSize: pick('batch-size') ?? PRETRAIN_DEFAULTS.batchSize,
    sequenceLength: pick('sequence-length') ?? PRETRAIN_DEFAULTS.sequenceLength,
    learningRate: pick('lr') ?? PRETRAIN_DEFAULTS.learningRate,
    probability: pick('mask-probability') ?? PRETRAIN_DEFAULTS.probability,
    seed: pick('seed') ?? PRETRAIN_DEFAULTS.seed,
    wholeWord: values['whole-word'] === true,
    // About ten points on the held-out curve, whatever the length.
    evaluateEvery: Math.max(1, Math.round(steps / 10)),
  };
}

/** A dataset's training texts (and text pairs), one per line, in a file the child reads. */
function writeDatasetTexts(dataDir: string, datasetId: string): string {
  const db = openDatabase(dataDir);
  try {
    const rows = new DatasetsRepo(db).rows(datasetId).filter((row) => row.split === 'train');
    if (rows.length === 0) throw new AppError('bad_input', `dataset ${datasetId} has no training texts to pretrain on`);
    const dir = join(dataDir, 'tmp');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `pretrain-${process.pid}-${Date.now()}.txt`);
    const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
    writeFileSync(file, rows.flatMap((row) => [flat(row.text), ...(row.textPair ? [flat(row.textPair)] : [])]).join('\n') + '\n');
    return file;
  } finally {
    db.close();
  }
}

function progressLine(message: PretrainerToParent, steps: number): string | null {
  if (message.type === 'ready') return `Pretraining on ${message.documents} documents: ${message.trainBlocks} blocks to train on, ${message.validationBlocks} held out (backend ${message.backend})\n`;
  if (message.type === 'evaluation') return `  step ${message.step}/${steps}: held-out masked-LM loss ${message.loss.toFixed(4)} (perplexity ${Math.exp(message.loss).toFixed(1)})\n`;
  return null;
}

export async function pretrainCommand(options: PretrainOptions): Promise<number> {
  const { values, usage } = options;
  const scratch = values['from-scratch'];
  if (!options.model === (scratch === undefined)) usage('pretrain needs one of --model <folder> (a BERT-layout folder to continue from) or --from-scratch tiny|mini|small');
  let source: PretrainSource;
  let defaultName: string;
  if (typeof scratch === 'string') {
    const size = NEW_ENCODER_SIZES[scratch];
    if (!size) usage(`--from-scratch must be one of ${Object.keys(NEW_ENCODER_SIZES).join(', ')}`);
    const vocabSize = numberOption(values, 'vocab-size', usage) ?? DEFAULT_NEW_VOCABULARY;
    source = { kind: 'new', encoder: { ...size, vocabSize } };
    defaultName = `bert-${scratch}`;
  } else {
    const folder = resolve(options.model!);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new AppError('not_found', `${folder}: no such model folder`);
    source = { kind: 'folder', folder };
    defaultName = `${basename(folder)}-adapted`;
  }
  if (!options.texts === !options.datasetId) usage('pretrain needs one of --dataset <id|file|imdb|spam> or --texts <file.txt>');
  if (options.texts && !existsSync(options.texts)) throw new AppError('not_found', `${options.texts}: no such file`);
  const settings = pretrainSettings(values, usage);
  const backend = BackendRequestSchema.safeParse(values.backend ?? 'auto');
  if (!backend.success) usage('--backend must be auto, tensorflow, wasm+openblas, wasm or cpu');
  const outFolder = resolve(options.out ?? join(options.dataDir, 'models', `${defaultName}-${settings.steps}`));
  if (source.kind === 'folder' && outFolder === source.folder) usage('--out must be another folder than --model: the source model is read while the new one is written');
  const textsFile = options.texts ? resolve(options.texts) : writeDatasetTexts(options.dataDir, options.datasetId!);
  const start: PretrainStart = { type: 'start', source, textsFile, outFolder, settings, backend: backend.data! };
  try {
    return await runChild(start, options);
  } finally {
    if (!options.texts) rmSync(textsFile, { force: true });
  }
}

function runChild(start: PretrainStart, options: PretrainOptions): Promise<number> {
  const { entry, execArgv } = processEntry('pretrain-process');
  const child: ChildProcess = fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const steps = start.settings.steps;
  return new Promise((done) => {
    let outcome: PretrainerToParent | null = null;
    const interrupt = () => {
      process.stderr.write('\nStopping pretraining: nothing is written.\n');
      if (child.connected) child.send({ type: 'cancel' });
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    child.on('message', (raw) => {
      const checked = checkPretrainerMessage(raw);
      if (!checked.ok) {
        // A message we cannot read means a broken child: stop it rather than guess.
        outcome = { type: 'error', message: checked.problem };
        child.kill('SIGKILL');
        return;
      }
      const message = checked.message;
      const line = progressLine(message, steps);
      if (line && !options.json) process.stderr.write(line);
      if (message.type === 'done' || message.type === 'cancelled' || message.type === 'error') outcome = message;
    });
    child.on('error', (error) => {
      outcome ??= { type: 'error', message: `the pretraining process could not start: ${error.message}` };
    });
    child.once('exit', (code, signal) => {
      process.removeListener('SIGINT', interrupt);
      process.removeListener('SIGTERM', interrupt);
      const final: PretrainerToParent = outcome ?? { type: 'error', message: `the pretraining process exited (${signal ?? `code ${code}`}) without a result` };
      if (final.type === 'done') {
        options.print(final, `Pretrained model written to ${final.folder} (${final.files.join(', ')}); held-out masked-LM loss ${final.validationLoss.toFixed(4)}, ${final.seconds.toFixed(0)} s\n`);
        done(0);
      } else if (final.type === 'cancelled') {
        process.stderr.write(`Pretraining cancelled at step ${final.step}; no model written.\n`);
        done(130);
      } else {
        process.stderr.write(`Pretraining failed: ${final.type === 'error' ? final.message : final.type}\n`);
        done(final.type === 'error' && final.badInput ? 2 : 1);
      }
    });
    child.send(start);
  });
}
