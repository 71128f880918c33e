// Parquet (what Hugging Face `datasets.to_parquet` and the Hub's converted files are) via
// hyparquet, a maintained pure-JS reader with snappy built in. Parquet has no lines, so locations
// name the row as the "line" (1 = first data row) and the column's position as the "column".
import { parquetReadObjects } from 'hyparquet';
import type { RawRecord, RawTable } from './raw-table';
import type { SourceText } from './source-text';

/** "PAR1" opens and closes every Parquet file; the footer's length sits just before the closing one. */
const MAGIC = [0x50, 0x41, 0x52, 0x31];

export async function parseParquet(source: SourceText, bytes: Uint8Array): Promise<RawTable> {
  const hasMagic = (at: number) => MAGIC.every((b, i) => bytes[at + i] === b);
  // Checked before the reader: without it a wrong or cut file is read as far as it happens to go.
  if (bytes.length < 12 || !hasMagic(0)) source.failAt({ line: 1, column: 1 }, 'not a Parquet file: it does not start with the "PAR1" magic bytes');
  if (!hasMagic(bytes.length - 4)) source.failAt({ line: 1, column: 1 }, 'Parquet file is cut short: it does not end with the "PAR1" magic bytes (an interrupted download or copy?)');
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let objects: Array<Record<string, unknown>>;
  try {
    objects = (await parquetReadObjects({ file, rowFormat: 'object', parsers: { stringFromBytes } })) as Array<Record<string, unknown>>;
  } catch (error) {
    if (error instanceof InvalidString) source.failAt({ line: 1, column: 1 }, 'a string in this Parquet file is not valid UTF-8 (the file is damaged, or was written with another encoding)');
    source.failAt({ line: 1, column: 1 }, `not a readable Parquet file: ${(error as Error).message}`);
  }
  if (objects.length === 0) source.failAt({ line: 1, column: 1 }, 'Parquet file holds no rows');
  const columns = Object.keys(objects[0]);
  const records: RawRecord[] = objects.map((object, index) => ({
    line: index + 1,
    get: (column) => (Object.hasOwn(object, column) ? plain(object[column]) : undefined),
    locate: (column) => ({ line: index + 1, column: Math.max(0, columns.indexOf(column)) + 1 }),
  }));
  return {
    columns,
    records,
    columnsPosition: { line: 1, column: 1 },
    locateColumn: (column) => ({ line: 1, column: Math.max(0, columns.indexOf(column)) + 1 }),
  };
}

class InvalidString extends Error {}
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parquet strings are UTF-8 by the format; hyparquet's own decoder would turn bad bytes into U+FFFD. */
function stringFromBytes(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes) return bytes;
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InvalidString();
  }
}

/** Parquet int64 arrives as BigInt and lists as typed arrays; the rest of import expects JSON values. */
function plain(value: unknown): unknown {
  // Beyond 2^53 a double merges neighbouring integers (two label ids would become one class).
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plain);
  return value;
}
