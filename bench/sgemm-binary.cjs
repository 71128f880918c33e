// A/B of native accelerator binaries (native/openblas): GFLOP/s of the addon's sgemm at a
// BERT-mini-like shape, 2 BLAS threads. Used to check that the statically linked prebuilt binary
// is as fast as one linked against the system's libopenblas:
//   node bench/sgemm-binary.cjs native/openblas/prebuilds/linux-x64/comparo_openblas.glibc.node other.node
// Prints one JSON line per binary; run it a few times, alternating, on a quiet machine.
const { resolve } = require('node:path');

const M = 512, N = 768, K = 768, WARMUP = 5, REPEATS = 60;
for (const file of process.argv.slice(2)) {
  const addon = require(resolve(file));
  addon.setThreads(2);
  const buffer = new ArrayBuffer((M * K + K * N + M * N) * 4);
  new Float32Array(buffer).fill(0.01);
  const product = () => addon.sgemm(buffer, false, false, M, N, K, 0, M * K * 4, (M * K + K * N) * 4, 1, 0, 0, 0);
  for (let i = 0; i < WARMUP; i++) product();
  const start = process.hrtime.bigint();
  for (let i = 0; i < REPEATS; i++) product();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ binary: file, shape: [M, N, K], gflops: (2 * M * N * K * REPEATS) / seconds / 1e9 }));
}
