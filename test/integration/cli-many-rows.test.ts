// The CLI imports a 16 MB CSV of 4M rows (4 bytes each) within a 256 MB heap: a file this small
// used to be read whole, whatever its row count, and ran the heap out (~2-3 KB a row in memory);
// by rows it now streams, keeping a few bytes a row (main/services/dataset-service.ts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/browser-mode';
import { writeTinyRows } from '../helpers/tiny-rows';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('comparo-cli-rows-');
afterAll(() => dir.cleanup());

describe('CLI import of many tiny rows', () => {
  it('imports 4M rows from a 16 MB CSV under a 256 MB heap', async () => {
    const file = join(dir.path, 'four-million.csv');
    await writeTinyRows(file, 4_000_000);
    const r = spawnSync(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir.path, 'data'), 'import', file], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/4000000 rows: 3200000 train \/ 800000 validation/);
  }, 70_000);
});
