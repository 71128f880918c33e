// models.list / models.inspect and hub-id resolution for runs, through the services' dispatch over
// a real data folder and a hub cache on disk laid out as huggingface_hub leaves it.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import { EventBus } from '../../main/services/event-bus';
import { ModelService } from '../../main/services/model-service';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { ModelInfo, ModelList } from '../../shared/models';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { addToFakeHfCache } from '../helpers/fake-hf-cache';
import { tempDir } from '../helpers/temp-dir';

const FIXTURES = resolve(__dirname, '../fixtures/pretrained');


describe('model sources', () => {
  const dir = tempDir('comparo-models-');
  const cacheDir = join(dir.path, 'hf', 'hub');
  const dataDir = join(dir.path, 'data');
  const plainFolder = join(dir.path, 'my-roberta');
  const pickleFolder = join(dir.path, 'old-bert');
  const opened: Services[] = [];
  let bertSnapshot: string;
  const previousCache = process.env.HF_HUB_CACHE;

  const open = (transport: 'cli' | 'browser' | 'electron') => {
    const services = openServices({ dataDir, launcher: forkTrainerLauncher, transport });
    opened.push(services);
    return services;
  };

  beforeAll(() => {
    process.env.HF_HUB_CACHE = cacheDir;
    mkdirSync(dataDir, { recursive: true });
    bertSnapshot = addToFakeHfCache(cacheDir, 'tiny-org/bert-tiny', join(FIXTURES, 'bert'));
    addToFakeHfCache(cacheDir, 'tiny-org/electra-tiny', join(FIXTURES, 'electra'));
    cpSync(join(FIXTURES, 'roberta'), plainFolder, { recursive: true });
    cpSync(join(FIXTURES, 'bert'), pickleFolder, { recursive: true });
    rmSync(join(pickleFolder, 'model.safetensors'));
    writeFileSync(join(pickleFolder, 'pytorch_model.bin'), Buffer.alloc(16));
  });
  afterAll(async () => {
    for (const services of opened) await services.close();
    if (previousCache === undefined) delete process.env.HF_HUB_CACHE;
    else process.env.HF_HUB_CACHE = previousCache;
    dir.cleanup();
  });

  it('lists the built-in model and the cached hub models with sizes and recommended rates', async () => {
    const list = value<ModelList>(await open('cli').dispatch('models.list', {}));
    expect(list.cacheDir).toBe(cacheDir);
    expect(list.builtin.find((m) => m.kind === 'builtin')).toMatchObject({ source: 'builtin', family: 'builtin', usable: true, recommendedLearningRate: DEFAULT_RUN_CONFIG.learningRate });
    expect(list.cached.map((m) => m.hubId)).toEqual(['tiny-org/bert-tiny', 'tiny-org/electra-tiny']);
    // Parameters from the header shapes, worked out from config.json: embeddings 144*32 + 64*32
    // + 2*32 + norm 64 = 6784; per layer 4*(32*32+32) + (32*64+64) + (64*32+32) + 2 norms 128 =
    // 8544, two layers 17088; pooler 1056; classifier 2*32+2 = 66; the MLM bias kept in the file
    // 144. Total 25138: under 10M, so "tiny" and the paper's 2e-4.
    expect(list.cached[0]).toMatchObject({
      kind: 'cache',
      folder: bertSnapshot,
      family: 'bert',
      layers: 2,
      hiddenSize: 32,
      parameters: 25138,
      tokenizer: 'wordpiece',
      weights: 'safetensors',
      sizeClass: 'tiny',
      recommendedLearningRate: 2e-4,
      usable: true,
      problems: [],
    });
    // Size on disk: the blobs behind the snapshot's symlinks.
    expect(list.cached[0].sizeBytes).toBeGreaterThan(100_000);
    expect(list.canInspectPaths).toBe(true);
  });

  it('lists a shipped model first, by name, and a browser page may use it without naming a path', async () => {
    const shippedDir = join(dir.path, 'shipped');
    cpSync(join(FIXTURES, 'bert'), join(shippedDir, 'my-shipped-bert'), { recursive: true });
    // A folder without weights (a build in progress) is not offered.
    mkdirSync(join(shippedDir, 'half-built'), { recursive: true });
    const models = new ModelService({ dataDir, transport: 'browser', events: new EventBus(), defaults: DEFAULT_RUN_CONFIG, shippedDir });
    const list = await models.list();
    expect(list.builtin.map((m) => [m.source, m.kind])).toEqual([
      ['my-shipped-bert', 'shipped'],
      ['builtin', 'builtin'],
    ]);
    expect(list.builtin[0]).toMatchObject({ family: 'bert', folder: join(shippedDir, 'my-shipped-bert'), usable: true, recommendedLearningRate: 2e-4 });
    const patch = await models.resolveRunPatch({ model: { pretrained: 'my-shipped-bert' } });
    expect(patch).toMatchObject({ learningRate: 2e-4, model: { pretrained: join(shippedDir, 'my-shipped-bert') } });
    // Naming a path is still refused to a page; the shipped name is not a path.
    await expect(models.inspect(join(shippedDir, 'my-shipped-bert'))).rejects.toThrow();
  });

  it('inspects a folder from the CLI and remembers it among the recent ones', async () => {
    const services = open('cli');
    const info = value<ModelInfo>(await services.dispatch('models.inspect', { source: plainFolder }));
    expect(info).toMatchObject({ kind: 'folder', folder: plainFolder, family: 'roberta', tokenizer: 'bpe', usable: true });
    const list = value<ModelList>(await services.dispatch('models.list', {}));
    expect(list.recent.map((m) => m.folder)).toEqual([plainFolder]);
  });

  it('says what to do with a folder that only has a PyTorch .bin', async () => {
    const info = value<ModelInfo>(await open('electron').dispatch('models.inspect', { source: pickleFolder }));
    expect(info.usable).toBe(false);
    expect(info.weights).toBe('pytorch-only');
    expect(info.problems.join(' ')).toMatch(/has only pytorch_model\.bin; Comparo reads model\.safetensors .*save_pretrained\(folder, safe_serialization=True\)/);
  });

  it('a browser page may use listed models only, not any path', async () => {
    const browser = open('browser');
    const list = value<ModelList>(await browser.dispatch('models.list', {}));
    expect(list.canInspectPaths).toBe(false);
    expect(value<ModelInfo>(await browser.dispatch('models.inspect', { source: 'tiny-org/electra-tiny' })).family).toBe('electra');
    // Listed: the folder the CLI used before.
    expect(value<ModelInfo>(await browser.dispatch('models.inspect', { source: plainFolder })).family).toBe('roberta');
    const refused = await browser.dispatch('models.inspect', { source: '/etc' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/only use the models listed/) } });
  });

  it('a hub id that is not cached says where to download or put it', async () => {
    const r = await open('cli').dispatch('models.inspect', { source: 'google/electra-small-discriminator' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('not_found');
      expect(r.error.message).toContain(`not in the hub cache (${cacheDir})`);
      expect(r.error.message).toContain('models download google/electra-small-discriminator');
      expect(r.error.message).toContain(join(cacheDir, 'models--google--electra-small-discriminator', 'snapshots'));
    }
  });

  it('resolves a run config that names a hub id to its cache folder before a run starts', async () => {
    const models = new ModelService({ dataDir, transport: 'cli', events: new EventBus(), defaults: DEFAULT_RUN_CONFIG });
    const patch = await models.resolveRunPatch({ epochs: 1, model: { pretrained: 'tiny-org/bert-tiny' } });
    // No rate given: the paper's fine-tuning rate for a tiny model, not the from-scratch default.
    expect(patch).toEqual({ epochs: 1, learningRate: 2e-4, model: { pretrained: bertSnapshot } });
    const explicit = await models.resolveRunPatch({ learningRate: 5e-5, model: { pretrained: 'tiny-org/bert-tiny' } });
    expect(explicit?.learningRate).toBe(5e-5);
    expect(await models.resolveRunPatch({ model: { pretrained: 'builtin', dim: 32 } })).toEqual({ model: { dim: 32 } });
    await expect(models.resolveRunPatch({ model: { pretrained: pickleFolder } })).rejects.toThrow(/cannot be fine-tuned: .*pytorch_model\.bin/);
    // Through the contract: an uncached id is refused before any trainer process starts.
    const services = open('cli');
    const dataset = value<{ id: string }>(await services.dispatch('datasets.importEmbedded', {}));
    const r = await services.dispatch('runs.start', { datasetId: dataset.id, config: { model: { pretrained: 'nobody/nothing' } } });
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('nobody/nothing is not in the hub cache') } });
  });
});
