// Which model a run fine-tunes when its request names none, in the services every front end
// shares (the CLI's `compare`, the browser mode and the app alike), and what the start card shows
// chosen: on a fresh clone the built-in model (main/services/model-service.ts says why);
// COMPARO_DEFAULT_MODEL names another, e.g. the shipped encoder, which then trains at the
// learning rate it recommends for itself, while 'builtin' still picks the model trained from
// scratch. The suite's own COMPARO_DEFAULT_MODEL (vitest.config.ts) is removed here, as a fresh
// clone has none.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import type { AppInfo } from '../../shared/app-info';
import { FROM_SCRATCH_PRETRAINED_LEARNING_RATE } from '../../shared/models';
import type { ComparisonSummary, DatasetSummary } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { scriptedLauncher, type ScriptedTrainer } from '../helpers/scripted-trainer';
import { tempDir } from '../helpers/temp-dir';

const SHIPPED = 'comparo-bert-tiny';
const SHIPPED_FOLDER = resolve(__dirname, '../../assets/models', SHIPPED);

describe('the default model', () => {
  const dir = tempDir('comparo-default-model-');
  const opened: Services[] = [];
  const suiteChoice = process.env.COMPARO_DEFAULT_MODEL;
  afterEach(() => {
    process.env.COMPARO_DEFAULT_MODEL = suiteChoice;
  });
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    dir.cleanup();
  });

  /** The config the trainer was started with for a one-seed comparison, and what app.info offers. */
  async function started(name: string, defaultModel: string | undefined, config?: Record<string, unknown>) {
    if (defaultModel === undefined) delete process.env.COMPARO_DEFAULT_MODEL;
    else process.env.COMPARO_DEFAULT_MODEL = defaultModel;
    const dataDir = join(dir.path, name);
    mkdirSync(dataDir, { recursive: true });
    const trainers: ScriptedTrainer[] = [];
    const services = openServices({ dataDir, transport: 'cli', launcher: scriptedLauncher(trainers) });
    opened.push(services);
    const dataset = value<DatasetSummary>(await services.dispatch('datasets.importEmbedded', {}));
    value<ComparisonSummary>(await services.dispatch('comparisons.start', { datasetId: dataset.id, seeds: 1, ...(config ? { config } : {}) }));
    const deadline = Date.now() + 20_000;
    while (trainers.every((t) => t.started === null)) {
      if (Date.now() > deadline) throw new Error('no trainer was started within 20 s');
      await new Promise((next) => setTimeout(next, 20));
    }
    const info = value<AppInfo>(await services.dispatch('app.info', {}));
    return { config: trainers.find((t) => t.started)!.started!.config, info };
  }

  it('is the built-in model on a fresh clone, and the start card shows it chosen', async () => {
    const { config, info } = await started('fresh', undefined);
    expect(config.model.pretrained).toBeUndefined();
    expect(config.learningRate).toBe(2e-3);
    expect(info.defaults.model.pretrained).toBeUndefined();
  });

  it('COMPARO_DEFAULT_MODEL names another: the shipped encoder, at its own fine-tuning rate, shown chosen on every preset', async () => {
    const { config, info } = await started('shipped', SHIPPED);
    expect(config.model.pretrained).toBe(SHIPPED_FOLDER);
    expect(config.learningRate).toBe(FROM_SCRATCH_PRETRAINED_LEARNING_RATE);
    expect(info.defaults.model.pretrained).toBe(SHIPPED);
    expect(info.presets?.length).toBeGreaterThan(1);
    for (const preset of info.presets ?? []) expect(preset.defaults.model.pretrained, preset.name).toBe(SHIPPED);
  });

  it("'builtin' still trains the model from scratch when another default is set", async () => {
    const { config } = await started('builtin', SHIPPED, { model: { pretrained: 'builtin' } });
    expect(config.model.pretrained).toBeUndefined();
  });
});
