// Node-only (node:buffer), so kept apart from decode.ts, which the in-memory path shares.
import { isAscii } from 'node:buffer';
import type { TextEncodingName } from './decode';

/**
 * Streaming decoder for big files. Almost every chunk of a real dataset is pure ASCII, and for
 * those a native ASCII check plus a Latin-1 copy is ~5x faster than TextDecoder (measured: 1 MiB
 * chunks, 124 MB in 45 ms against 230 ms), which mattered for the 100 MB/s import target. The
 * fast path is only taken when TextDecoder holds no partial character from the previous chunk
 * (that chunk ended in an ASCII byte), so the text is exactly what TextDecoder would give.
 */
export class ChunkDecoder {
  private readonly decoder: InstanceType<typeof TextDecoder>;
  private readonly asciiCompatible: boolean;
  private clean = true;

  constructor(encoding: TextEncodingName) {
    this.decoder = new TextDecoder(encoding);
    // UTF-8 and Windows-1252 both map bytes 0-127 to the same characters; UTF-16 does not.
    this.asciiCompatible = encoding === 'utf-8' || encoding === 'windows-1252';
  }

  decode(chunk: Uint8Array): string {
    if (this.asciiCompatible && this.clean && isAscii(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    this.clean = chunk.length > 0 && chunk[chunk.length - 1] < 0x80;
    return this.decoder.decode(chunk, { stream: true });
  }

  end(): string {
    return this.decoder.decode();
  }
}
