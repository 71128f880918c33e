// The accelerator loaded from its prebuilt binary (native/openblas/prebuilds/, npm run
// prebuild:native; node-gyp-build picks it), with no local build in the way (PREBUILDS_ONLY=1):
// the loader takes the file for this platform, and a real training run through the CLI records
// the accelerated backend. On Linux the binary carries OpenBLAS (native/openblas/openblas-link.cjs),
// so it loads where OpenBLAS was never installed. Skipped, with the reason, only where no prebuilt
// binary exists for this platform or it does not load here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const platformDir = join('native/openblas/prebuilds', `${process.platform}-${process.arch}`);
const prebuilt = existsSync(platformDir) && readdirSync(platformDir).some((f) => f.endsWith('.node'));
const env = { ...process.env, PREBUILDS_ONLY: '1' };
const probe = prebuilt
  ? spawnSync(process.execPath, ['-e', "const f = require('node-gyp-build').resolve(process.argv[1]); require(f); console.log(f)", 'native/openblas'], { env, encoding: 'utf8' })
  : null;
const why = !prebuilt ? `no prebuilt binary in ${platformDir}` : probe?.status !== 0 ? `the prebuilt binary does not load here (${probe?.stderr.split('\n').find((l) => /error/i.test(l))?.trim()})` : '';
if (why) console.warn(`SKIPPED prebuilt accelerator: ${why}`);

const dataDir = mkdtempSync(join(tmpdir(), 'comparo-prebuilt-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.skipIf(why !== '')('the prebuilt accelerator', () => {
  it('is the file the loader takes, and a training run records its backend', () => {
    const where = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./main/kernels/openblas-kernels.ts').then((m) => console.log(m.openBlasAddonFile()))"], { env, encoding: 'utf8' });
    expect(where.status, where.stderr).toBe(0);
    expect(where.stdout.trim()).toContain(join(process.cwd(), platformDir));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, 'train', '--preset', 'quick', '--loss', 'baseline', '--json'], { env, encoding: 'utf8', timeout: 240_000 });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(run.stdout).run).toMatchObject({ status: 'completed', backend: 'wasm+openblas' });
  }, 240_000);

  it.runIf(process.platform === 'linux')('needs only the C library at run time on Linux, no OpenBLAS or Fortran runtime', () => {
    const file = join(platformDir, readdirSync(platformDir).find((f) => f.endsWith('.node'))!);
    // ldd comes with glibc itself, so it is wherever this binary can load.
    const needed = spawnSync('ldd', [file], { encoding: 'utf8' });
    expect(needed.status, needed.stderr).toBe(0);
    const libraries = needed.stdout.split('\n').map((line) => line.trim().split(/\s/)[0]).filter((name) => name.startsWith('lib'));
    expect(libraries.length).toBeGreaterThan(0);
    expect(libraries.filter((name) => !/^lib(c|m|pthread|dl)\.so/.test(name))).toEqual([]);
  });
});
