// The safetensors format (https://github.com/huggingface/safetensors): 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, optional
// "__metadata__"}, then the raw little-endian tensor bytes. Small enough to own: we read F32, F16
// and BF16 (widened to float32, what tfjs trains in) and write F32.
import { readFileSync, writeFileSync } from 'node:fs';
import type { NamedTensor, TensorMap } from '../models/tensor-specs';

export type { NamedTensor, TensorMap };

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decode(dtype: string, bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (dtype === 'F32') {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (dtype === 'F16') {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  } else {
    // bfloat16 is the top half of a float32: shift it back into place.
    const widened = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) widened[i] = view.getUint16(i * 2, true) << 16;
  }
  return out;
}

/** Parses a safetensors buffer; `file` names the source in every error. */
export function parseSafetensors(buffer: Uint8Array, file: string): TensorMap {
  if (buffer.byteLength < 8) throw new Error(`${file}: not a safetensors file (${buffer.byteLength} bytes, no header).`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > buffer.byteLength - 8) throw new Error(`${file}: header length ${headerLength} runs past the end of the file (${buffer.byteLength} bytes).`);
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(buffer.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new Error(`${file}: the safetensors header is not valid JSON (${(error as Error).message}).`);
  }
  const dataStart = 8 + headerLength;
  const tensors: TensorMap = new Map();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = raw as HeaderEntry;
    const width = BYTES[entry.dtype];
    if (!width) throw new Error(`${file}: tensor ${name} has dtype ${entry.dtype}; only F32, F16 and BF16 are read.`);
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = entry.data_offsets;
    if (end - begin !== count * width || dataStart + end > buffer.byteLength) {
      throw new Error(`${file}: tensor ${name} (${entry.dtype} ${JSON.stringify(entry.shape)}) has bad data offsets [${begin}, ${end}].`);
    }
    tensors.set(name, { shape: [...entry.shape], data: decode(entry.dtype, buffer.subarray(dataStart + begin, dataStart + end), count) });
  }
  return tensors;
}

export function readSafetensors(path: string): TensorMap {
  return parseSafetensors(readFileSync(path), path);
}

/**
 * Serialises tensors as F32 in the given order (callers pass a sorted order for byte-identical
 * files). The header is padded with spaces to a multiple of 8 bytes, as the reference writer does,
 * so the data starts aligned.
 */
export function serializeSafetensors(tensors: TensorMap, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    if (size !== tensor.data.length) throw new Error(`tensor ${name}: shape ${JSON.stringify(tensor.shape)} does not hold ${tensor.data.length} values`);
    header[name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + size * 4] };
    offset += size * 4;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padding = (8 - (json.length % 8)) % 8;
  if (padding) json = Buffer.concat([json, Buffer.alloc(padding, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const body = Buffer.alloc(offset);
  let at = 0;
  for (const tensor of tensors.values()) {
    // Written value by value: little-endian on every host, and no alignment demands on the source.
    for (let i = 0; i < tensor.data.length; i++, at += 4) body.writeFloatLE(tensor.data[i], at);
  }
  return Buffer.concat([length, json, body]);
}

export function writeSafetensors(path: string, tensors: TensorMap, metadata?: Record<string, string>): void {
  writeFileSync(path, serializeSafetensors(tensors, metadata));
}
