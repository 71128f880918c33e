// Files picked or dropped in the renderer, in the shape 'datasets.importFiles' / 'datasets.inspect'
// take: text as is, Parquet (binary) as base64. A set of files named train/validation/test is one
// dataset with those splits, as users export them from Hugging Face or GLUE.
import type { ImportFile } from '../../shared/dataset-report';

const SPLIT_NAME = /(^|[^a-z])(train|training|validation|valid|val|dev|test)([^a-z]|$)/i;

export function isSplitSet(files: File[]): boolean {
  return files.length > 1 && files.length <= 3 && files.every((f) => SPLIT_NAME.test(f.name)) && files.some((f) => /(^|[^a-z])train/i.test(f.name));
}

export async function toImportFile(file: File): Promise<ImportFile> {
  if (!/\.parquet$/i.test(file.name)) {
    // Bytes, not file.text(): the services detect UTF-16 and Latin-1, which text() would mangle.
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (isUtf8(bytes)) return { name: file.name, content: new TextDecoder().decode(bytes) };
    return { name: file.name, content: toBase64(bytes), encoding: 'base64' };
  }
  return { name: file.name, content: toBase64(new Uint8Array(await file.arrayBuffer())), encoding: 'base64' };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return !bytes.subarray(0, 4096).includes(0);
  } catch {
    return false;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode with a million arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
