// The models a run can start from: the built-in encoder, pretrained folders on disk, models in
// the Hugging Face hub cache, and hub downloads. Resolves what a person typed (a folder path or a
// hub id) to a local folder, since a trainer process only ever reads folders.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../shared/errors';
import { LEARNING_RATE_BY_SIZE, type ModelInfo, type ModelList } from '../../shared/models';
import type { ModelConfig, RunConfig, RunConfigPatch } from '../../shared/schemas';
import { cachedSnapshot, hubCacheDir, hubEndpoint, isHubId, listCachedModels } from '../pretrained/hf-cache';
import { downloadModel } from '../pretrained/hub-download';
import { offlineMessage } from '../pretrained/hub-http';
import { inspectModelFolder } from '../pretrained/inspect';
import type { EventBus } from './event-bus';

type Env = Record<string, string | undefined>;
const RECENT_FILE = 'recent-models.json';
const RECENT_LIMIT = 10;
export const BUILTIN_SOURCE = 'builtin';
/**
 * The model a run fine-tunes when its request names none: the built-in one. The shipped encoder
 * (assets/models/comparo-bert-tiny) fine-tunes level with it on the IMDB sample and a little below on spam,
 * at about six times the CPU time per step (docs/experiment.md), so it is one pick away in the model
 * picker but not the default. COMPARO_DEFAULT_MODEL names another default ('builtin', a shipped
 * name, a folder or a hub id) for the CLI, the browser mode and the app alike.
 */
export const DEFAULT_MODEL_SOURCE = BUILTIN_SOURCE;
/** Pretrained folders that ship with the app, each chosen by its folder name (assets/models/README.md). */
const SHIPPED_MODELS_DIR = fileURLToPath(new URL('../../assets/models', import.meta.url));

/** The shipped model folders (name -> folder), those whose weights are present. */
export function shippedModels(dir = SHIPPED_MODELS_DIR): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  const names = readdirSync(dir).filter((name) => existsSync(join(dir, name, 'model.safetensors'))).sort();
  return new Map(names.map((name) => [name, join(dir, name)]));
}

/**
 * Parameters of the built-in encoder (main/training/model.ts) apart from its classifier head, whose
 * size depends on the labels: token and position tables, embedding norm, and per layer the
 * query/key/value/output projections, the feed-forward pair and two norms.
 */
export function builtinParameterCount(model: ModelConfig, maxLength: number): number {
  const { vocabSize, dim, layers, ffnDim } = model;
  const perLayer = 4 * (dim * dim + dim) + (dim * ffnDim + ffnDim) + (ffnDim * dim + dim) + 4 * dim;
  return vocabSize * dim + maxLength * dim + 2 * dim + layers * perLayer;
}

export interface ModelServiceOptions {
  dataDir: string;
  transport: 'electron' | 'browser' | 'cli';
  events: EventBus;
  /** The preset's run config: the built-in model's shape and from-scratch learning rate. */
  defaults: RunConfig;
  env?: Env;
  /** Where the shipped models are (default assets/models); tests point it elsewhere. */
  shippedDir?: string;
}

export class ModelService {
  private readonly env: Env;
  private readonly downloads = new Map<string, Promise<ModelInfo>>();

  constructor(private readonly options: ModelServiceOptions) {
    this.env = options.env ?? process.env;
  }

  get cacheDir(): string {
    return hubCacheDir(this.env);
  }

  /**
   * Browser pages may only use models the list offers (cache snapshots, folders the desktop app or
   * CLI used before): a page, unlike the person at the app or terminal, must not probe the disk.
   */
  get canInspectPaths(): boolean {
    return this.options.transport !== 'browser';
  }

  builtin(): ModelInfo {
    const { model, maxLength, learningRate } = this.options.defaults;
    return {
      source: BUILTIN_SOURCE,
      kind: 'builtin',
      hubId: null,
      folder: null,
      family: 'builtin',
      familyLabel: 'Built-in',
      layers: model.layers,
      hiddenSize: model.dim,
      heads: model.heads,
      vocabSize: model.vocabSize,
      parameters: builtinParameterCount(model, maxLength),
      sizeBytes: null,
      tokenizer: null,
      weights: 'builtin',
      sizeClass: 'tiny',
      // Trained from scratch, not fine-tuned: the preset's rate, not the paper's fine-tuning ones.
      recommendedLearningRate: learningRate,
      usable: true,
      problems: [],
    };
  }

  async list(): Promise<ModelList> {
    const cacheDir = this.cacheDir;
    const shipped = await Promise.all([...shippedModels(this.options.shippedDir)].map(([name, folder]) => this.describe(folder, { source: name, kind: 'shipped', hubId: null })));
    const cached = await Promise.all(
      listCachedModels(cacheDir).map(({ id, folder }) => this.describe(folder, { source: id, kind: 'cache', hubId: id })),
    );
    const recent = await Promise.all(
      this.recentFolders()
        .filter((folder) => existsSync(folder))
        .map((folder) => this.describe(folder, { source: folder, kind: 'folder', hubId: null })),
    );
    // Pretrained first: fine-tuning one is what a person who picks "the model that comes with it" expects.
    return { builtin: [...shipped, this.builtin()], cached, recent, cacheDir, canInspectPaths: this.canInspectPaths };
  }

  async inspect(source: string): Promise<ModelInfo> {
    if (source === BUILTIN_SOURCE) return this.builtin();
    const found = this.locate(source);
    const info = await inspectModelFolder(found.folder, found);
    if (found.kind === 'folder' && this.canInspectPaths) this.remember(found.folder);
    return info;
  }

  /** Downloads a hub model into the cache (one download per id at a time), sending 'model.downloadProgress'. */
  download(id: string, revision?: string): Promise<ModelInfo> {
    const key = `${id}@${revision ?? 'main'}`;
    const running = this.downloads.get(key);
    if (running) return running;
    const task = downloadModel({
      id,
      revision,
      cacheDir: this.cacheDir,
      endpoint: hubEndpoint(this.env),
      token: this.env.HF_TOKEN || undefined,
      offline: ['1', 'true', 'yes'].includes((this.env.HF_HUB_OFFLINE ?? '').toLowerCase()),
      onProgress: (progress) => this.options.events.emit('model.downloadProgress', progress),
    })
      .then((folder) => inspectModelFolder(folder, { source: id, kind: 'cache', hubId: id }))
      .finally(() => this.downloads.delete(key));
    this.downloads.set(key, task);
    return task;
  }

  /**
   * A run config's model.pretrained as an absolute folder the trainer can read: a hub id becomes
   * its cache snapshot (never downloaded here: starting a run must not wait on the network),
   * 'builtin' drops the field, and none given means defaultSource(). Unusable folders are refused
   * before any process starts.
   */
  async resolveRunPatch(patch: RunConfigPatch | undefined): Promise<RunConfigPatch | undefined> {
    const reference = patch?.model?.pretrained ?? this.defaultSource();
    const { pretrained: _unused, ...model } = patch?.model ?? {};
    if (reference === BUILTIN_SOURCE) return patch?.model ? { ...patch, model } : patch;
    const info = await this.inspect(reference);
    if (!info.usable || !info.folder) {
      throw new AppError('invalid_request', `${reference} cannot be fine-tuned: ${info.problems.join('; ')}`);
    }
    if (info.kind === 'folder') this.remember(info.folder);
    // No rate given (CLI `--model` without `--lr`): the paper's fine-tuning rate for this size, not
    // the preset's from-scratch one, which would wreck pretrained weights.
    const learningRate = patch?.learningRate ?? info.recommendedLearningRate;
    return { ...patch, learningRate, model: { ...model, pretrained: info.folder } };
  }

  /** What a request that names no model fine-tunes (DEFAULT_MODEL_SOURCE says which and why). */
  defaultSource(): string {
    return this.env.COMPARO_DEFAULT_MODEL?.trim() || DEFAULT_MODEL_SOURCE;
  }

  /** Where a reference points: a cached hub model, else a folder on disk. */
  private locate(reference: string): { folder: string; source: string; kind: 'shipped' | 'folder' | 'cache'; hubId: string | null } {
    const cacheDir = this.cacheDir;
    const shipped = shippedModels(this.options.shippedDir).get(reference);
    if (shipped) return { folder: shipped, source: reference, kind: 'shipped', hubId: null };
    if (isHubId(reference)) {
      const snapshot = cachedSnapshot(cacheDir, reference);
      if (snapshot) return { folder: snapshot, source: reference, kind: 'cache', hubId: reference };
    }
    const expanded = reference.startsWith('~/') ? join(homedir(), reference.slice(2)) : reference;
    const folder = resolve(expanded);
    const listed = this.recentFolders().includes(folder) || folder.startsWith(resolve(cacheDir) + sep);
    if (!this.canInspectPaths && !listed) {
      if (isHubId(reference)) throw this.notCached(reference);
      throw new AppError(
        'invalid_request',
        'A browser page can only use the models listed (the hub cache and folders used before). Choose a folder in the desktop app, or run: npm run cli -- models inspect <folder>',
      );
    }
    if (existsSync(folder) && statSync(folder).isDirectory()) return { folder, source: folder, kind: 'folder', hubId: null };
    if (isHubId(reference) && !isAbsolute(expanded)) throw this.notCached(reference);
    throw new AppError('not_found', `${folder}: no such folder`);
  }

  private notCached(id: string): AppError {
    return new AppError(
      'not_found',
      `${id} is not in the hub cache (${this.cacheDir}). Download it (the Download button, or npm run cli -- models download ${id}). ${offlineMessage(this.cacheDir, id)}`,
    );
  }

  private async describe(folder: string, identity: { source: string; kind: ModelInfo['kind']; hubId: string | null }): Promise<ModelInfo> {
    try {
      return await inspectModelFolder(folder, identity);
    } catch (error) {
      // One broken entry must not hide the others: list it with what is wrong.
      return {
        ...identity,
        folder,
        family: null,
        familyLabel: null,
        layers: null,
        hiddenSize: null,
        heads: null,
        vocabSize: null,
        parameters: null,
        sizeBytes: null,
        tokenizer: null,
        weights: 'none',
        sizeClass: 'base',
        recommendedLearningRate: LEARNING_RATE_BY_SIZE.base,
        usable: false,
        problems: [error instanceof Error ? error.message : String(error)],
      };
    }
  }

  private recentFolders(): string[] {
    try {
      const value = JSON.parse(readFileSync(join(this.options.dataDir, RECENT_FILE), 'utf8')) as unknown;
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    } catch {
      return []; // none yet, or a damaged file: the list is a convenience, not data to protect
    }
  }

  /** Lists a folder among the recent ones (a model this app just wrote: a page may then use it). */
  rememberFolder(folder: string): void {
    this.remember(resolve(folder));
  }

  private remember(folder: string): void {
    const folders = [folder, ...this.recentFolders().filter((item) => item !== folder)].slice(0, RECENT_LIMIT);
    writeFileSync(join(this.options.dataDir, RECENT_FILE), JSON.stringify(folders, null, 2));
  }
}
