// `npm run cli -- pretrain (--model <m> | --from-scratch <size>) (--dataset <d> | --texts <file>)`:
// masked-language-model pretraining through the same 'pretraining.start' channel as the app
// (main/services/pretrain-service.ts), progress relayed from 'pretraining.progress'. Ctrl+C
// closes the services, which cancels the pretraining process; nothing is written then.
import { resolve } from 'node:path';
import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import { type PretrainProgress, type PretrainRequest, NewEncoderSizeSchema } from '../../shared/pretrain-protocol';
import { BackendRequestSchema } from '../../shared/vocabulary';
import type { Services } from '../services';

export const PRETRAIN_USAGE = `  pretrain --resume <folder>             continue a pretraining run that was interrupted (Ctrl+C, closed app)
  pretrain (--model <name|folder|org/name> | --from-scratch tiny|mini|small [--vocab-size N])
           (--dataset <id|file|imdb|spam> | --texts <file.txt>) [--steps N] [--out <folder>]
           [--batch-size N] [--sequence-length N] [--lr x] [--mask-probability p] [--whole-word] [--no-dropout] [--summary-weight w] [--seed N]
                                         masked-language-model pretraining on a dataset's training texts (never
                                         its validation or test texts) or a plain-text file (one document per
                                         line): continued from a pretrained BERT-layout model (domain-adaptive),
                                         or a new BERT (tiny 2x128, mini 4x256, small 4x512) with a WordPiece
                                         vocabulary learned from the same text; writes a model folder that
                                         --model takes (default <data dir>/models/<model>-<data>-<steps>);
                                         --no-dropout pretrains without dropout (the config keeps its rates for
                                         fine-tuning); --summary-weight w adds [CLS]'s bag-of-words objective`;

export interface PretrainCommandContext {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  services: Services;
  /** The dataset id, already imported by the caller when --dataset named a file or an embedded sample. */
  datasetId?: string;
  json: boolean;
  values: Record<string, string | boolean | undefined>;
  usage(message: string): never;
  print(value: unknown, text: string): void;
}

function numberOption(values: PretrainCommandContext['values'], name: string, usage: PretrainCommandContext['usage']): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(n)) usage(`--${name} expects a number, got "${String(raw)}"`);
  return n;
}

/** The request the options describe; a missing or contradictory choice is a usage error. */
export function pretrainRequest(context: PretrainCommandContext): PretrainRequest {
  const { values, usage } = context;
  if (typeof values.resume === 'string') {
    const others = ['model', 'from-scratch', 'texts', 'dataset', 'out', 'steps', 'batch-size', 'sequence-length', 'lr', 'mask-probability', 'seed', 'no-dropout', 'summary-weight'].filter((name) => values[name] !== undefined);
    if (others.length > 0) usage(`--resume continues the run as it was started; leave out ${others.map((name) => `--${name}`).join(', ')}`);
    return { resume: resolve(values.resume) };
  }
  const model = typeof values.model === 'string' ? values.model : undefined;
  const scratch = values['from-scratch'];
  if ((model === undefined) === (scratch === undefined)) usage('pretrain needs one of --model <name|folder|org/name> (to continue from) or --from-scratch tiny|mini|small');
  const size = scratch === undefined ? undefined : NewEncoderSizeSchema.safeParse(scratch);
  if (size && !size.success) usage('--from-scratch must be tiny, mini or small');
  const texts = typeof values.texts === 'string' ? resolve(values.texts) : undefined;
  if ((texts === undefined) === (context.datasetId === undefined)) usage('pretrain needs one of --dataset <id|file|imdb|spam> or --texts <file.txt>');
  const backend = values.backend === undefined ? undefined : BackendRequestSchema.safeParse(values.backend);
  if (backend && !backend.success) usage('--backend must be auto, tensorflow, wasm+openblas, wasm or cpu');
  const pick = (name: string) => numberOption(values, name, usage);
  const settings = Object.fromEntries(
    Object.entries({
      steps: pick('steps'),
      batchSize: pick('batch-size'),
      sequenceLength: pick('sequence-length'),
      learningRate: pick('lr'),
      probability: pick('mask-probability'),
      seed: pick('seed'),
      wholeWord: values['whole-word'] === true ? true : undefined,
      dropout: values['no-dropout'] === true ? false : undefined,
      summaryWeight: pick('summary-weight'),
    }).filter(([, v]) => v !== undefined),
  );
  return {
    ...(model !== undefined ? { model } : { fromScratch: size!.data!, ...(pick('vocab-size') !== undefined ? { vocabSize: pick('vocab-size') } : {}) }),
    ...(texts !== undefined ? { textsFile: texts } : { datasetId: context.datasetId }),
    ...(typeof values.out === 'string' ? { outFolder: resolve(values.out) } : {}),
    ...(backend ? { backend: backend.data } : {}),
    settings,
  };
}

function progressLine(p: PretrainProgress): string | null {
  if (p.status !== 'running') return null;
  if (p.validationLoss === null) return p.documents === null ? null : `Pretraining on ${p.documents} documents (backend ${p.backend})\n`;
  return `  step ${p.step}/${p.steps}: held-out masked-LM loss ${p.validationLoss.toFixed(4)} (perplexity ${Math.exp(p.validationLoss).toFixed(1)})\n`;
}

/** Exit 0 completed, 2 bad input (too little text, no tokenizer), 1 another failure. */
export async function pretrainCommand(context: PretrainCommandContext): Promise<number> {
  const request = pretrainRequest(context);
  let id: string | null = null;
  const early: PretrainProgress[] = [];
  return new Promise<number>((done, fail) => {
    const onProgress = (p: PretrainProgress) => {
      if (!context.json) {
        const line = progressLine(p);
        if (line) process.stderr.write(line);
      }
      if (p.status === 'running') return;
      off();
      if (p.status === 'completed') {
        context.print(p, `Pretrained model written to ${p.folder}; held-out masked-LM loss ${p.validationLoss?.toFixed(4)}\n`);
        done(0);
      } else if (p.status === 'cancelled') {
        process.stderr.write('Pretraining cancelled; no model written.\n');
        done(130);
      } else if (p.status === 'interrupted' || p.status === 'paused') {
        process.stderr.write(`Pretraining interrupted at step ${p.step} of ${p.steps}; continue it with: npm run cli -- pretrain --resume ${p.folder}\n`);
        done(130);
      } else {
        process.stderr.write(`Pretraining failed: ${p.error}\n`);
        done(p.badInput ? 2 : 1);
      }
    };
    const off = context.services.onEvent((name, payload) => {
      if (name !== 'pretraining.progress') return;
      const p = payload as PretrainProgress;
      // Events can come before the start answer names the id: kept until it does.
      if (id === null) early.push(p);
      else if (p.id === id) onProgress(p);
    });
    context.call('pretraining.start', request).then((started) => {
      id = started.id;
      for (const p of early.splice(0)) if (p.id === id) onProgress(p);
    }, (error: unknown) => {
      off();
      fail(error);
    });
  });
}
