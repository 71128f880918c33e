// Checkpoint files: everything a trainer needs to continue a run IDENTICALLY (weights, AdamW
// moments and step, data-order position, early-stopping state, tokenizer vocabulary). Format:
// "CMPCKPT1", uint32 LE header byte length, UTF-8 JSON header, then every float32 array in the
// header's order. Written to a temporary file then renamed, so a crash never leaves half a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const MAGIC = 'CMPCKPT1';

export interface CheckpointHeader {
  runId: string;
  /** Optimizer steps taken; training resumes at this step. */
  step: number;
  /** Epoch and position (optimizer step within the epoch) to resume the data order at. */
  epoch: number;
  stepInEpoch: number;
  optimizerStep: number;
  vocabulary: string[];
  /** The pretrained model folder the run fine-tunes (its tokenizer and config rebuild the model); absent for built-in runs. */
  pretrained?: string | null;
  /** Early stopping / best-checkpoint state and the loop's bookkeeping. */
  bestScore: number | null;
  bestStep: number | null;
  bestMetrics: Record<string, number> | null;
  /** The best model's file (its weights), if one was written. */
  bestPath: string | null;
  evalsWithoutImprovement: number;
  lastMetrics: Record<string, number> | null;
  trainingMs: number;
  /** Shapes of the stored arrays, in file order: weights, first moments, second moments. */
  shapes: number[][];
}

export interface Checkpoint {
  header: CheckpointHeader;
  weights: Float32Array[];
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  mkdirSync(dirname(path), { recursive: true });
  const header = Buffer.from(JSON.stringify(checkpoint.header), 'utf8');
  const arrays = [...checkpoint.weights, ...checkpoint.firstMoments, ...checkpoint.secondMoments];
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const parts = [Buffer.from(MAGIC, 'ascii'), length, header, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))];
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, Buffer.concat(parts));
  renameSync(temporary, path);
}

export function readCheckpoint(path: string): Checkpoint {
  const file = readFileSync(path);
  if (file.subarray(0, MAGIC.length).toString('ascii') !== MAGIC) throw new Error(`${path} is not a Comparo checkpoint.`);
  const headerLength = file.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  const header = JSON.parse(file.subarray(headerStart, headerStart + headerLength).toString('utf8')) as CheckpointHeader;
  let offset = headerStart + headerLength;
  const arrays = header.shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    // Copied out: the file buffer's offset need not be 4-byte aligned for a Float32Array view.
    const array = new Float32Array(size);
    Buffer.from(array.buffer).set(file.subarray(offset, offset + size * 4));
    offset += size * 4;
    return array;
  });
  if (offset !== file.length) throw new Error(`${path} is truncated or corrupt (${file.length} bytes, expected ${offset}).`);
  const n = arrays.length / 3;
  return { header, weights: arrays.slice(0, n), firstMoments: arrays.slice(n, 2 * n), secondMoments: arrays.slice(2 * n) };
}
