// Draws assets/icon.png (512x512 RGBA), the app icon electron-builder turns into .icns/.ico/.png
// sets: a dark rounded square holding two rounded bars side by side, a short one (the baseline
// run) and a tall one (the comparative run). Deterministic, no dependencies: node:zlib for the
// PNG's deflate stream, a table CRC-32 for its chunks.  Run: npx tsx scripts/make-icon.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
/** Samples per axis per pixel, for anti-aliased edges. */
const SUPERSAMPLE = 4;

type Rgba = [number, number, number, number];
const TRANSPARENT: Rgba = [0, 0, 0, 0];
const BACKGROUND: Rgba = [30, 41, 59, 255]; // slate
const BASELINE: Rgba = [148, 163, 184, 255]; // muted grey-blue
const COMPARATIVE: Rgba = [251, 191, 36, 255]; // amber

interface RoundRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  radius: number;
}

function inside(rect: RoundRect, x: number, y: number): boolean {
  if (x < rect.x0 || x > rect.x1 || y < rect.y0 || y > rect.y1) return false;
  const cx = Math.min(Math.max(x, rect.x0 + rect.radius), rect.x1 - rect.radius);
  const cy = Math.min(Math.max(y, rect.y0 + rect.radius), rect.y1 - rect.radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= rect.radius ** 2;
}

const tile: RoundRect = { x0: 16, y0: 16, x1: 496, y1: 496, radius: 96 };
const shortBar: RoundRect = { x0: 132, y0: 236, x1: 236, y1: 400, radius: 28 };
const tallBar: RoundRect = { x0: 276, y0: 112, x1: 380, y1: 400, radius: 28 };

function colourAt(x: number, y: number): Rgba {
  if (!inside(tile, x, y)) return TRANSPARENT;
  if (inside(shortBar, x, y)) return BASELINE;
  if (inside(tallBar, x, y)) return COMPARATIVE;
  return BACKGROUND;
}

/** Premultiplied average of the subsamples, returned straight (non-premultiplied) as PNG wants. */
function pixel(px: number, py: number): Rgba {
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      const [cr, cg, cb, ca] = colourAt(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE);
      r += cr * ca;
      g += cg * ca;
      b += cb * ca;
      a += ca;
    }
  }
  if (a === 0) return TRANSPARENT;
  return [Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round(a / SUPERSAMPLE ** 2)];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function drawIcon(): Uint8Array {
  const rgba = new Uint8Array(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) rgba.set(pixel(x, y), (y * SIZE + x) * 4);
  }
  return rgba;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL('../assets/icon.png', import.meta.url));
  writeFileSync(out, encodePng(SIZE, SIZE, drawIcon()));
  console.log(`wrote ${out}`);
}
