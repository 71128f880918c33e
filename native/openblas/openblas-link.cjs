// Prints the linker arguments for OpenBLAS on Linux (binding.gyp runs it). The static archive
// (Debian's libopenblas-dev ships it) is preferred: the addon then carries the sgemm kernels
// itself and needs nothing but libc at run time, so the prebuilt binary works on a machine where
// OpenBLAS was never installed. --exclude-libs keeps OpenBLAS's own symbols private to the addon,
// so another BLAS in the same process (a native tfjs, a Python extension) cannot collide with
// it; --gc-sections drops what the addon never reaches. Without an archive: the shared library.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const candidates = [
  process.env.OPENBLAS_STATIC_LIB,
  process.env.OPENBLAS_DIR && join(process.env.OPENBLAS_DIR, 'lib', 'libopenblas.a'),
  '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.a',
  '/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.a',
  '/usr/lib/x86_64-linux-gnu/libopenblas.a',
  '/usr/lib/aarch64-linux-gnu/libopenblas.a',
  '/usr/lib64/libopenblas.a',
  '/usr/local/lib/libopenblas.a',
  '/opt/homebrew/opt/openblas/lib/libopenblas.a',
].filter(Boolean);
const archive = process.env.COMPARO_OPENBLAS_SHARED ? undefined : candidates.find((file) => existsSync(file));
const args = archive
  ? ['-Wl,--exclude-libs,ALL', '-Wl,--gc-sections', archive, '-lpthread', '-lm']
  : ['-lopenblas', '-lpthread'];
console.log(args.join(' '));
