function maskA(size: number, rates: number[], seed: number): Float32Array {
  const n = rates.length;
  const thresholds = rates.map(r => Math.min(4294967295, Math.floor(r * 4294967296)));
  const scales = rates.map(r => 1 / (1 - r));
  const mask = new Float32Array(size * n);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    const u = x >>> 0;
    for (let k = 0; k < n; k++) mask[k * size + i] = u >= thresholds[k] ? scales[k] : 0;
  }
  return mask;
}
function maskB(size: number, rates: number[], seed: number): Float32Array {
  const n = rates.length;
  const u = new Uint32Array(size);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < size; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; u[i] = x; }
  const mask = new Float32Array(size * n);
  for (let k = 0; k < n; k++) {
    const th = Math.min(4294967295, Math.floor(rates[k] * 4294967296)); const sc = 1 / (1 - rates[k]); const off = k * size;
    if (th === 0) { mask.fill(sc, off, off + size); continue; }
    for (let i = 0; i < size; i++) mask[off + i] = u[i] >= th ? sc : 0;
  }
  return mask;
}
for (const [name, f] of [['A', maskA], ['B', maskB]] as const) {
  f(1 << 20, [0, 0.1, 0.19], 1);
  const t = performance.now(); for (let i = 0; i < 10; i++) f(32*2*128*128, [0, 0.1, 0.19], i + 1); console.log(name, ((performance.now() - t) / 10).toFixed(2));
}
const m = maskB(1<<20, [0,0.1,0.19], 3); let d1=0,d2=0; for (let i=0;i<1<<20;i++){ if(m[(1<<20)+i]===0)d1++; if(m[2*(1<<20)+i]===0)d2++;} console.log(d1/(1<<20), d2/(1<<20));
