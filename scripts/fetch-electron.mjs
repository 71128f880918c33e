// Fetches the Electron binary after install, without ever failing the install.
// Why: electron's own postinstall downloads the binary and fails `npm ci` on machines with no
// route to its download host (CI, air-gapped build boxes). package.json's `allowScripts` denies
// that script; this one runs the same installer and turns a failed download into a notice, so
// the CLI, the browser mode and the tests install everywhere and the desktop app gets its
// binary wherever the network allows. Set COMPARO_SKIP_ELECTRON=1 to not even try.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let installer;
try {
  installer = join(dirname(require.resolve('electron/package.json')), 'install.js');
} catch {
  process.exit(0); // production install without devDependencies: nothing to fetch
}
if (process.env.COMPARO_SKIP_ELECTRON || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || !existsSync(installer)) {
  process.exit(0);
}
const result = spawnSync(process.execPath, [installer], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
if (result.status === 0) {
  console.log('comparo: Electron binary ready.');
} else {
  const why = String(result.stderr || result.error || '').split('\n').find((l) => l.trim()) ?? 'unknown error';
  console.log(
    `comparo: Electron binary not downloaded (${why.trim().slice(0, 160)}).\n` +
      '  The CLI (npm run cli), the browser mode (npm run web) and the tests work without it.\n' +
      '  For the desktop app, run `node node_modules/electron/install.js` once online.'
  );
}
