// `models`, `models inspect` and `models download` through the real CLI process, with the hub
// played by a local HTTP server (HF_ENDPOINT) and a temporary hub cache (HF_HUB_CACHE).
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo, ModelList } from '../../shared/models';
import { repoFromFolder, startFakeHub, type FakeHub } from '../helpers/fake-hub';
import { tempDir } from '../helpers/temp-dir';

const run = promisify(execFile);
const FIXTURES = resolve(__dirname, '../fixtures/pretrained');

describe('models CLI', () => {
  const dir = tempDir('comparo-models-cli-');
  let hub: FakeHub;

  // Asynchronous on purpose: the fake hub answers from this process while the CLI runs.
  async function cli(...args: string[]) {
    const env = { ...process.env, HF_HUB_CACHE: join(dir.path, 'hub'), HF_ENDPOINT: hub.endpoint };
    try {
      const r = await run(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir.path, 'data'), ...args], { env, timeout: 120_000 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const failure = e as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  }

  beforeAll(async () => {
    hub = await startFakeHub({ 'tiny-org/electra-tiny': repoFromFolder(join(FIXTURES, 'electra'), 'e'.repeat(40)) });
  });
  afterAll(async () => {
    await hub.close();
    dir.cleanup();
  });

  it('downloads a hub model with progress on stderr, then lists it', async () => {
    const download = await cli('models', 'download', 'tiny-org/electra-tiny', '--json');
    expect(download.code).toBe(0);
    expect(download.stderr).toMatch(/\[2\/4\] model\.safetensors 100% .* done/);
    const info = JSON.parse(download.stdout) as ModelInfo;
    expect(info).toMatchObject({ source: 'tiny-org/electra-tiny', kind: 'cache', family: 'electra', usable: true, recommendedLearningRate: 2e-4 });

    const list = await cli('models', '--json');
    expect(list.code).toBe(0);
    const models = JSON.parse(list.stdout) as ModelList;
    expect(models.cached.map((m) => m.hubId)).toEqual(['tiny-org/electra-tiny']);
    expect(models.builtin.filter((m) => m.kind === 'builtin').map((m) => m.source)).toEqual(['builtin']);

    const text = await cli('models');
    expect(text.stdout).toMatch(/tiny-org\/electra-tiny\s+electra\s+2 layers x 32/);
  });

  it('inspects a folder, and fails with exit code 2 and a clear message for a missing hub model', async () => {
    const folder = await cli('models', 'inspect', join(FIXTURES, 'roberta'));
    expect(folder.code).toBe(0);
    expect(folder.stdout).toMatch(/family\s+roberta/);
    const missing = await cli('models', 'download', 'tiny-org/nothing-here');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/tiny-org\/nothing-here \(revision main\) is not on http:\/\/127\.0\.0\.1:\d+/);
  });

  it('train --model with an uncached hub id stops before training, saying how to get it', async () => {
    const r = await cli('train', '--loss', 'baseline', '--model', 'tiny-org/not-downloaded');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tiny-org/not-downloaded is not in the hub cache');
    expect(r.stderr).toContain('npm run cli -- models download tiny-org/not-downloaded');
  });
});
