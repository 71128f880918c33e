// How many rows a dataset file holds, estimated without parsing it, so DatasetService can choose
// between the in-memory reader (rich report, but ~2-3.5 KB of heap a row) and the streamed one,
// or refuse what the in-memory reader could not hold. Estimates err high: a CSV line break inside
// quotes counts as a row, a JSON document's nested objects count as rows; too high only means a
// file streams (or is refused) a little early, never that the heap runs out.
import { createReadStream } from 'node:fs';
import { parquetMetadata } from 'hyparquet';

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;

function countByte(bytes: Uint8Array, byte: number, stopAfter = Infinity): number {
  let count = 0;
  for (let i = bytes.indexOf(byte); i !== -1 && count <= stopAfter; i = bytes.indexOf(byte, i + 1)) count++;
  return count;
}

/** Lines of a file on disk, read in chunks; stops counting once past `stopAfter`. */
export async function countFileLines(path: string, stopAfter = Infinity): Promise<number> {
  let lines = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      lines += countByte(chunk, NEWLINE, stopAfter - lines);
      if (lines > stopAfter) break;
    }
  } finally {
    stream.destroy();
  }
  return lines;
}

export function countLines(bytes: Uint8Array, stopAfter = Infinity): number {
  return countByte(bytes, NEWLINE, stopAfter);
}

/** Rows a file held in memory may give: Parquet from its footer, JSON by objects, text by lines. */
export function estimateRows(fileName: string, bytes: Uint8Array): number {
  if (/\.parquet$/i.test(fileName)) {
    try {
      // Reads the footer only, over the bytes as they are (a Uint8Array view, no copy).
      return Number(parquetMetadata(bytes).num_rows);
    } catch {
      // Not readable as Parquet: the reader itself will say why, with a location.
      return 0;
    }
  }
  const lines = countLines(bytes);
  return /\.json$/i.test(fileName) ? Math.max(lines, countByte(bytes, OPEN_BRACE)) : lines;
}
