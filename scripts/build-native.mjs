// Makes the optional native accelerator (native/openblas: BLAS sgemm for the wasm backend)
// available after install, without ever failing the install. A prebuilt binary for this platform
// (native/openblas/prebuilds/, made by `npm run prebuild:native` with prebuildify, loaded by
// node-gyp-build) is used when it loads here, so no compiler is needed; otherwise, or with
// COMPARO_BUILD_NATIVE=1, the addon is built from source, as better-sqlite3 builds its own. Needs a C
// compiler, OpenBLAS's headers and library (Debian: libopenblas-dev) and Node's headers; node-gyp
// finds the headers through `npm config get nodedir` where they are installed locally (offline),
// else downloads them once. Where any of that is missing, training uses plain wasm and the
// install prints one notice. Set COMPARO_SKIP_NATIVE=1 to not even try.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'openblas');
if (process.env.COMPARO_SKIP_NATIVE || !existsSync(join(folder, 'binding.gyp'))) process.exit(0);

// The prebuilt binary, tried in a child process: a library it needs that is missing here (a
// source build linked against the shared libopenblas.so.0, a newer glibc) must not take this
// script down with it.
if (!process.env.COMPARO_BUILD_NATIVE) {
  const probe = spawnSync(
    process.execPath,
    ['-e', "const f = require('node-gyp-build').resolve(process.argv[1]); require(f).threads(); console.log(f)", folder],
    { env: { ...process.env, PREBUILDS_ONLY: '1' }, encoding: 'utf8', timeout: 60_000, cwd: join(folder, '..', '..') },
  );
  if (probe.status === 0) {
    console.log(`comparo: native accelerator: the prebuilt binary loads (${probe.stdout.trim().split(/[\\/]native[\\/]/).pop()}); COMPARO_BUILD_NATIVE=1 builds it from source instead.`);
    process.exit(0);
  }
}

// npm hands lifecycle scripts its bundled node-gyp; a plain `node scripts/build-native.mjs` uses
// the one installed in node_modules (a dependency of electron-builder).
let nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp || !existsSync(nodeGyp)) {
  try {
    nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    nodeGyp = undefined;
  }
}
if (!nodeGyp) {
  console.log('comparo: native OpenBLAS accelerator not built (node-gyp not found); training uses plain wasm.');
  process.exit(0);
}
// Headers installed next to this node (distribution packages, official tarballs): use them
// rather than a download, which fails offline.
const prefix = join(dirname(process.execPath), '..');
const localHeaders = !process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'));
const args = [nodeGyp, 'rebuild', ...(localHeaders ? [`--nodedir=${prefix}`] : [])];
const result = spawnSync(process.execPath, args, { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
if (result.status === 0) {
  console.log('comparo: native OpenBLAS accelerator built (training backend wasm+openblas).');
} else {
  const output = String(result.stderr || result.error || '');
  const why = output.split('\n').find((line) => /error|not found|No such file/i.test(line)) ?? 'unknown error';
  console.log(
    `comparo: native OpenBLAS accelerator not built (${why.trim().slice(0, 160)}).\n` +
      '  Training uses plain wasm. For the accelerator install a C compiler and OpenBLAS\n' +
      '  (Debian/Ubuntu: apt-get install build-essential libopenblas-dev), then: node scripts/build-native.mjs',
  );
}
