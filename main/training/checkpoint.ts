// Checkpoint files: everything a trainer needs to continue a run IDENTICALLY (weights, AdamW
// moments and step, data-order position, early-stopping state, tokenizer vocabulary). Format:
// "CMPCKPT1", uint32 LE header byte length, UTF-8 JSON header, then every float32 array in the
// header's order. Written to a temporary file then renamed, so a crash never leaves half a file.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const MAGIC = 'CMPCKPT1';

/** The best model so far (selection metric); overwritten on improvement, never pruned. */
export const BEST_CHECKPOINT = 'best.ckpt';
/** A periodic checkpoint's file name: resume continues from the newest one the run recorded. */
export const stepCheckpointName = (step: number): string => `step-${step}.ckpt`;
const STEP_FILE = /^step-(\d+)\.ckpt$/;
/** writeCheckpoint's temporary file: `<name>.tmp-<pid of the writer>`. */
const TEMP_FILE = /\.ckpt\.tmp-(\d+)$/;

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
  /** CPU ms of those steps (absent in checkpoints written before it was recorded). */
  trainingCpuMs?: number;
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
  try {
    writeFileSync(temporary, Buffer.concat(parts));
    renameSync(temporary, path);
  } catch (e) {
    // A full disk must not also leave a half-written file behind.
    rmSync(temporary, { force: true });
    throw e;
  }
}

function fileNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Deletes a run's periodic checkpoints except the newest `keep` (0: keep all). Only files OLDER
 * than `recorded` (the checkpoint the runs table points at, which resume reads) go: newer ones may
 * not be recorded yet, and the recorded one itself always stays. Without a recorded checkpoint
 * nothing goes. best.ckpt has another name and is never touched. Returns the deleted paths.
 */
export function pruneCheckpoints(dir: string, keep: number, recorded: { path: string; step: number } | null): string[] {
  if (keep <= 0 || !recorded) return [];
  const steps = fileNames(dir)
    .map((name) => ({ name, step: Number(STEP_FILE.exec(name)?.[1] ?? NaN) }))
    .filter((f) => Number.isFinite(f.step))
    .sort((a, b) => b.step - a.step);
  const deleted: string[] = [];
  for (const { name, step } of steps.slice(keep)) {
    const path = join(dir, name);
    if (step >= recorded.step || resolve(path) === resolve(recorded.path)) continue;
    rmSync(path, { force: true });
    deleted.push(path);
  }
  return deleted;
}

/** Deletes temporary files a writer left when it died mid-write; a live writer's (`isAlive(pid)`) stay. */
export function removeStaleTempFiles(dir: string, isAlive: (pid: number) => boolean): string[] {
  const deleted: string[] = [];
  for (const name of fileNames(dir)) {
    const pid = TEMP_FILE.exec(name)?.[1];
    if (pid === undefined || isAlive(Number(pid))) continue;
    rmSync(join(dir, name), { force: true });
    deleted.push(join(dir, name));
  }
  return deleted;
}

/** Bytes of every file in a run's checkpoint folder (0 when it has none). */
export function checkpointBytes(dir: string): number {
  let total = 0;
  for (const name of fileNames(dir)) {
    try {
      const stat = statSync(join(dir, name));
      if (stat.isFile()) total += stat.size;
    } catch {
      // Deleted between listing and stat (a prune in another process): it no longer counts.
    }
  }
  return total;
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
