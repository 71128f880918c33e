// Masked-language-model pretraining as the app, the browser mode and the CLI start it
// ('pretraining.start'): adapting a pretrained model to a dataset's training texts before
// fine-tuning on them, or a new BERT from plain text. The work runs in its own process
// (main/training/pretrain-process.ts); this service resolves the model and the texts, names the
// output folder, relays progress as 'pretraining.progress', keeps every run in the history
// (main/db/pretraining-repo.ts, written through the WriteQueue so a busy database never loses or
// throws a row), pauses and resumes runs from their checkpoint, and lists the finished folder
// among the models so the picker offers it.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { AppError } from '../../shared/errors';
import {
  DEFAULT_NEW_VOCABULARY,
  NEW_ENCODER_SIZES,
  PRETRAIN_DEFAULTS,
  type PretrainProgress,
  PretrainProgressSchema,
  type PretrainRequest,
  type PretrainRun,
  type PretrainSettingsMessage,
  type PretrainSource,
  type PretrainStart,
} from '../../shared/pretrain-protocol';
import type { WriteQueue } from '../db/busy';
import type { PretrainingRepo } from '../db/pretraining-repo';
import { hasPretrainCheckpoint, readPretrainCheckpoint, removePretrainCheckpoint } from '../training/pretrain-checkpoint';
import { forkPretrainer, type PretrainHandle, type PretrainLauncher } from '../training/pretrain-launcher';
import type { DatasetService } from './dataset-service';
import type { EventBus } from './event-bus';
import type { ModelService } from './model-service';
import { OWN_PID, OWN_START_TIME } from './process-identity';

/** A step of the largest model here takes seconds; a checkpoint write well under that. */
const CLOSE_WAIT_MS = 30_000;

const slug = (text: string) => text.toLowerCase().replace(/\.[a-z0-9]+$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'text';

export interface PretrainServiceOptions {
  dataDir: string;
  transport: 'electron' | 'browser' | 'cli';
  datasets: DatasetService;
  models: ModelService;
  events: EventBus;
  repo: PretrainingRepo;
  writes: WriteQueue;
  launch?: PretrainLauncher;
}

type Started = { id: string; folder: string; steps: number };
const OWNER = { pid: OWN_PID, started: OWN_START_TIME };

export class PretrainService {
  private readonly active = new Map<string, PretrainHandle>();
  private readonly finished = new Map<string, Promise<void>>();
  /** Runs asked to pause: their interruption is the person's, so they end 'paused', not 'interrupted'. */
  private readonly pausing = new Set<string>();

  constructor(private readonly options: PretrainServiceOptions) {}

  async start(request: PretrainRequest): Promise<Started> {
    const { datasets, models, transport } = this.options;
    if (request.resume !== undefined) return this.resumeFolder(request.resume);
    // Like runs.export's folder: a page must not choose which files are read or written on this machine.
    if (transport === 'browser' && (request.textsFile !== undefined || request.outFolder !== undefined)) {
      throw new AppError('invalid_request', 'a browser page pretrains on a dataset into the data folder; textsFile and outFolder are for the desktop app and the CLI');
    }
    const settings = this.settings(request.settings);
    let source: PretrainSource;
    let name: string;
    const modelLabel = request.fromScratch !== undefined ? `new BERT-${request.fromScratch}` : request.model!;
    if (request.fromScratch !== undefined) {
      source = { kind: 'new', encoder: { ...NEW_ENCODER_SIZES[request.fromScratch], vocabSize: request.vocabSize ?? DEFAULT_NEW_VOCABULARY } };
      name = `bert-${request.fromScratch}`;
    } else {
      if (request.model === 'builtin') {
        throw new AppError('invalid_request', 'the built-in model has no pretraining to continue: choose a pretrained model (the one that ships with Comparo, a folder or a hub model) to adapt');
      }
      const resolved = await models.resolveRunPatch({ model: { pretrained: request.model! } });
      const folder = resolved?.model?.pretrained;
      if (!folder) throw new AppError('not_found', `${request.model}: no such model`);
      source = { kind: 'folder', folder };
      name = basename(folder);
    }
    const id = randomUUID();
    let textsFile: string;
    let temporary = false;
    let datasetName: string;
    if (request.datasetId !== undefined) {
      datasetName = datasets.get(request.datasetId).name;
      textsFile = this.writeDatasetTexts(request.datasetId, id);
      temporary = true;
    } else {
      textsFile = resolve(request.textsFile!);
      if (!existsSync(textsFile)) throw new AppError('not_found', `${textsFile}: no such file`);
      datasetName = basename(textsFile);
    }
    // A folder of our naming is reserved at once (two starts never pick the same one) and removed again unless the run completes.
    const reserved = request.outFolder === undefined;
    const folder = resolve(request.outFolder ?? this.reserveFolder(`${name}-${slug(datasetName)}-${settings.steps}`));
    if (!reserved && source.kind === 'folder' && folder === resolve(source.folder)) {
      throw new AppError('invalid_request', 'the output folder must differ from the model folder: the source model is read while the new one is written');
    }
    const start: PretrainStart = { type: 'start', source, textsFile, outFolder: folder, settings, backend: request.backend ?? 'auto', ...(request.datasetId ? { datasetId: request.datasetId } : {}) };
    const row = { id, datasetId: request.datasetId ?? null, model: modelLabel, texts: datasetName, folder, steps: settings.steps };
    this.record(`store pretraining run ${id}`, () => this.options.repo.insert(row, OWNER));
    return this.launch(id, start, { temporaryTexts: temporary, reserved }, 0);
  }

  /** 'pretraining.resume': a paused or interrupted run of the history, continued from its checkpoint under the same id. */
  async resume(id: string): Promise<Started> {
    const run = this.options.repo.get(id, hasPretrainCheckpoint);
    if (!run) throw new AppError('not_found', `no pretraining run ${id}`);
    if (this.active.has(id)) throw new AppError('conflict', `pretraining run ${id} is already running`);
    if (!run.resumable) {
      const why = run.status === 'running' ? 'is running in another Comparo process' : run.status === 'paused' || run.status === 'interrupted' ? 'has no checkpoint left in its folder' : `is ${run.status}`;
      throw new AppError('conflict', `pretraining run ${id} ${why}: only a paused or interrupted run with its checkpoint can be resumed`);
    }
    return this.continueFrom(run.folder, id, run.step);
  }

  pause(id: string): Record<string, never> {
    const handle = this.active.get(id);
    if (!handle) throw this.notHere(id);
    this.pausing.add(id);
    handle.interrupt();
    return {};
  }

  list(datasetId?: string): { runs: PretrainRun[] } {
    return { runs: this.options.repo.list(datasetId, hasPretrainCheckpoint) };
  }

  /**
   * Continues an interrupted run from the checkpoint in its folder: same start message, same text
   * (a dataset's training texts are written out again), so it ends as the uninterrupted run would.
   */
  private async resumeFolder(outFolder: string): Promise<Started> {
    if (this.options.transport === 'browser' && !resolve(outFolder).startsWith(join(this.options.dataDir, 'models'))) {
      throw new AppError('invalid_request', 'a browser page may resume runs in the data folder only');
    }
    const folder = resolve(outFolder);
    const known = this.options.repo.byFolder(folder);
    if (known && this.active.has(known.id)) throw new AppError('conflict', `pretraining run ${known.id} is already running`);
    return this.continueFrom(folder, known?.id ?? null, known ? (this.options.repo.get(known.id, hasPretrainCheckpoint)?.step ?? 0) : 0);
  }

  /** Continues the run whose checkpoint is in `outFolder`: its history row `id` reopened, or a new row for a folder the history does not know. */
  private continueFrom(outFolder: string, known: string | null, step: number): Started {
    const { start } = readPretrainCheckpoint(resolve(outFolder));
    const id = known ?? randomUUID();
    const { repo } = this.options;
    if (known) this.record(`reopen pretraining run ${id}`, () => repo.reopen(id, OWNER));
    else {
      const source = start.source.kind === 'folder' ? start.source.folder : 'new BERT';
      const row = { id, datasetId: start.datasetId ?? null, model: source, texts: start.datasetId ?? start.textsFile, folder: resolve(outFolder), steps: start.settings.steps };
      this.record(`store pretraining run ${id}`, () => repo.insert(row, OWNER));
    }
    let textsFile = start.textsFile;
    const temporary = start.datasetId !== undefined;
    if (start.datasetId !== undefined) textsFile = this.writeDatasetTexts(start.datasetId, id);
    else if (!existsSync(textsFile)) throw new AppError('not_found', `${textsFile}: the text this run was pretraining on is gone`);
    return this.launch(id, { ...start, outFolder: resolve(outFolder), textsFile, resume: true }, { temporaryTexts: temporary, reserved: false }, step);
  }

  /** A history write: now if the database is free, else queued and retried; never thrown at a handler or a message. */
  private record(label: string, write: () => void): void {
    this.options.writes.submit({ label, write });
  }

  private notHere(id: string): AppError {
    const run = this.options.repo.get(id, hasPretrainCheckpoint);
    if (run?.status === 'running') return new AppError('conflict', `pretraining run ${id} is run by another Comparo process on this data folder; pause or cancel it there`);
    return new AppError('not_found', `no pretraining ${id} is running`);
  }

  private launch(id: string, start: PretrainStart, files: { temporaryTexts: boolean; reserved: boolean }, firstStep: number): Started {
    const { models, repo } = this.options;
    const { outFolder: folder, textsFile, settings } = start;
    const handle = (this.options.launch ?? forkPretrainer())(start);
    this.active.set(id, handle);
    this.finished.set(id, new Promise((resolve) => handle.onFinished(() => resolve())));
    const progress: PretrainProgress = { id, datasetId: start.datasetId ?? null, status: 'running', step: firstStep, steps: settings.steps, validationLoss: null, documents: null, backend: null, folder, error: null, badInput: false };
    const emit = (patch: Partial<PretrainProgress>, evaluation?: { step: number; loss: number }) => {
      Object.assign(progress, patch);
      const snapshot = { ...progress };
      this.record(`store pretraining progress of ${id}`, () => repo.update(snapshot, evaluation));
      this.options.events.emit('pretraining.progress', snapshot);
    };
    emit({});
    handle.onMessage((message) => {
      if (message.type === 'ready') emit({ documents: message.documents, backend: message.backend });
      else if (message.type === 'evaluation') emit({ step: message.step, validationLoss: message.loss }, { step: message.step, loss: message.loss });
    });
    handle.onFinished((outcome) => {
      this.active.delete(id);
      this.finished.delete(id);
      const paused = this.pausing.delete(id);
      if (files.temporaryTexts) rmSync(textsFile, { force: true });
      // An interrupted run's folder holds its checkpoint; a cancelled or failed one of our naming goes.
      if (files.reserved && (outcome.type === 'cancelled' || outcome.type === 'error')) rmSync(folder, { recursive: true, force: true });
      if (outcome.type === 'done') {
        // Listed among the models (a browser page may then pick it, as any folder used before).
        models.rememberFolder(folder);
        emit({ status: 'completed', step: settings.steps, validationLoss: outcome.validationLoss });
      } else if (outcome.type === 'cancelled') emit({ status: 'cancelled' });
      else if (outcome.type === 'interrupted') emit({ status: paused ? 'paused' : 'interrupted', step: outcome.step, error: null });
      else emit({ status: 'failed', error: outcome.message, badInput: outcome.badInput === true });
    });
    return { id, folder, steps: settings.steps };
  }

  /** A dataset's training texts, one document per line (the pretraining process's input), in <data dir>/tmp. */
  private writeDatasetTexts(datasetId: string, id: string): string {
    const { datasets, dataDir } = this.options;
    const texts = datasets.trainingTexts(datasetId);
    if (texts.length === 0) throw new AppError('bad_input', `dataset ${datasets.get(datasetId).name} has no training texts to pretrain on`);
    const dir = join(dataDir, 'tmp');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `pretrain-${id}.txt`);
    writeFileSync(file, texts.map((text) => text.replace(/\s+/g, ' ').trim()).join('\n') + '\n');
    return file;
  }

  cancel(id: string): Record<string, never> {
    const handle = this.active.get(id);
    if (handle) {
      handle.cancel();
      return {};
    }
    const run = this.options.repo.get(id, hasPretrainCheckpoint);
    if (!run || (run.status !== 'paused' && run.status !== 'interrupted')) throw this.notHere(id);
    // A stopped run is discarded as a running one would be: its checkpoint goes, and a folder of our naming with it.
    removePretrainCheckpoint(run.folder);
    if (resolve(run.folder).startsWith(join(this.options.dataDir, 'models') + sep)) rmSync(run.folder, { recursive: true, force: true });
    // The schema keeps the progress fields of the history row and drops the rest.
    const cancelled: PretrainProgress = { ...PretrainProgressSchema.parse(run), status: 'cancelled', error: null };
    this.record(`cancel pretraining run ${id}`, () => this.options.repo.update(cancelled));
    this.options.events.emit('pretraining.progress', cancelled);
    return {};
  }

  /**
   * Stops every pretraining process with a checkpoint (the services are closing), and waits (up to
   * CLOSE_WAIT_MS) until each has written it: `resume` continues them.
   */
  async close(): Promise<void> {
    for (const handle of this.active.values()) handle.interrupt();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([Promise.all(this.finished.values()), deadline]);
    clearTimeout(timer);
  }

  private settings(patch: Partial<PretrainSettingsMessage> | undefined): PretrainSettingsMessage {
    const merged = { ...PRETRAIN_DEFAULTS, ...patch };
    // About ten points on the held-out curve, whatever the length, unless asked otherwise.
    return patch?.evaluateEvery === undefined ? { ...merged, evaluateEvery: Math.max(1, Math.round(merged.steps / 10)) } : merged;
  }

  /** Creates <data dir>/models/<name>, or <name>-2, -3... when a model of that name exists. */
  private reserveFolder(name: string): string {
    const base = join(this.options.dataDir, 'models', name);
    mkdirSync(join(this.options.dataDir, 'models'), { recursive: true });
    for (let n = 1; ; n++) {
      const folder = n === 1 ? base : `${base}-${n}`;
      try {
        // Not recursive: fails when the folder exists, so the name is ours alone.
        mkdirSync(folder);
        return folder;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }
}
