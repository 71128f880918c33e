// "Export model" in a browser: the run's export folder (written by 'runs.export' under
// <dataDir>/exports/<run>-<format>/) sent as one zip, streamed file by file so a gigabyte of
// weights never sits in memory. Stored, not deflated: weights do not compress and the copy stays fast.
// fflate: a small, maintained zip writer with a streaming API (no native code).
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Zip, ZipPassThrough } from 'fflate';
import { ExportFormatSchema } from '../../shared/vocabulary';

/** `<run id>-<format>`: the only names the route serves (no paths, no dots). */
export function exportFolderOf(dataDir: string, name: string): string | null {
  const match = /^([\w-]+)-([a-z]+)$/.exec(name);
  if (!match || !ExportFormatSchema.safeParse(match[2]).success) return null;
  const folder = join(dataDir, 'exports', name);
  return existsSync(folder) && statSync(folder).isDirectory() ? folder : null;
}

export async function sendFolderAsZip(folder: string, zipName: string, res: ServerResponse): Promise<void> {
  const files = readdirSync(folder, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
  res.writeHead(200, {
    'content-type': 'application/zip',
    'content-disposition': `attachment; filename="${zipName}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  let failed: Error | null = null;
  const zip = new Zip((error, chunk, final) => {
    if (error) failed = error;
    else res.write(chunk);
    if (final) res.end();
  });
  for (const name of files) {
    const entry = new ZipPassThrough(name);
    zip.add(entry);
    for await (const chunk of createReadStream(join(folder, name)) as AsyncIterable<Buffer>) {
      if (failed) throw failed;
      entry.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      // A slow download must not pile the folder up in memory: wait for the socket to drain.
      if (res.writableNeedDrain) await new Promise((resolve) => res.once('drain', resolve));
    }
    entry.push(new Uint8Array(0), true);
  }
  zip.end();
}
