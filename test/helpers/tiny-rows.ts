// A CSV of the most rows a byte can carry, written as a stream: for tests of imports whose row
// count, not size, is what hurts (a 16 MB file of 4M rows).
import { createWriteStream } from 'node:fs';

/** Writes rows of "a,0"/"a,1" (4 bytes each): the most rows a byte can carry. */
export async function writeTinyRows(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('text,label\n');
  const block = 'a,0\na,1\n'.repeat(1 << 16);
  for (let written = 0; written < rows; written += 1 << 17) {
    const part = rows - written >= 1 << 17 ? block : block.slice(0, (rows - written) * 4);
    if (!out.write(part)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}
