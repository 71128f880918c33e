import { afterAll, describe, expect, it } from 'vitest';
import { openServices } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import { tempDir } from '../helpers/temp-dir';

describe('path imports are for the CLI only', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it('a page (browser mode or the app renderer) cannot make the services read a local path', async () => {
    for (const transport of ['browser', 'electron'] as const) {
      const services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport });
      const r = await services.dispatch('datasets.importPath', { path: '/etc/passwd' });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/only available from the CLI/) } });
      await services.close();
    }
  });
});
