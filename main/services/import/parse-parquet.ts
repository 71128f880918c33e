// Parquet (what Hugging Face `datasets.to_parquet` and the Hub's converted files are) via
// hyparquet, a maintained pure-JS reader with snappy built in. Parquet has no lines, so locations
// name the row as the "line" (1 = first data row) and the column's position as the "column".
import { parquetReadObjects } from 'hyparquet';
import type { RawRecord, RawTable } from './raw-table';
import type { SourceText } from './source-text';

export async function parseParquet(source: SourceText, bytes: Uint8Array): Promise<RawTable> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let objects: Array<Record<string, unknown>>;
  try {
    objects = (await parquetReadObjects({ file, rowFormat: 'object' })) as Array<Record<string, unknown>>;
  } catch (error) {
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

/** Parquet int64 arrives as BigInt and lists as typed arrays; the rest of import expects JSON values. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plain);
  return value;
}
