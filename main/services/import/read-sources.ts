// A dataset path on disk as bytes: one file, or a folder's split files (train/validation/test,
// Hugging Face shards, or the Hub's data/ sub-folder). Only regular files are read: a named pipe
// would block the import forever and a link to /dev/zero would read until memory runs out, so
// every path is checked after following links. Unreadable paths (EACCES, EPERM) become AppErrors,
// so the CLI exits 2 with a sentence rather than 1 with a stack.
import { isDatasetFileName } from '../../../shared/vocabulary';
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { orderFolderFiles, splitOfFileName } from './assemble';

export interface SourceFile {
  name: string;
  bytes: Uint8Array;
}


/** A file, or a folder's train/validation/test data files, as bytes. */
export function readDatasetSources(path: string): SourceFile[] {
  const stat = statOf(path);
  if (!stat.isDirectory()) return [readRegularFile(path, stat)];
  let folder = path;
  let files = dataFilesOf(folder);
  // The Hub's layout: README.md at the top, the splits in data/ (data/train-00000-of-00001.parquet).
  if (files.length === 0 && entriesOf(path).includes('data') && statOf(join(path, 'data')).isDirectory()) {
    folder = join(path, 'data');
    files = dataFilesOf(folder);
  }
  if (files.length === 0) {
    const found = entriesOf(folder);
    throw new AppError('bad_input', `${path} holds no train/validation/test data files (.csv, .tsv, .jsonl, .json, .parquet)${found.length > 0 ? `; found: ${listed(found)}` : '; the folder is empty'}`);
  }
  if (!files.some((f) => splitOfFileName(f) === 'train')) {
    throw new AppError('bad_input', `${folder} has no train file, so there is nothing to train on (found: ${listed(files)}); name the training file train.csv (or train.jsonl, train-00000-of-00001.parquet...)`);
  }
  // Shard sets are checked on the names before any file is read (a lone train-00001-of-00002 too).
  return orderFolderFiles(files.map((f) => join(folder, f))).map((f) => readRegularFile(f));
}

/**
 * Refuses what is not a regular file or a folder (after following links), or a file that cannot
 * be opened, before anything reads it (the streamed path opens the file in several places).
 */
export function checkReadablePath(path: string): Stats {
  const stat = statOf(path);
  if (!stat.isFile() && !stat.isDirectory()) throw notRegular(path, stat);
  if (stat.isFile()) closeSync(openForReading(path));
  return stat;
}

/** Non-blocking, so that a path swapped for a named pipe after the stat cannot hang the open. */
function openForReading(path: string): number {
  try {
    return openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw readFailure(path, e);
  }
}

function dataFilesOf(folder: string): string[] {
  return entriesOf(folder)
    .filter((f) => isDatasetFileName(f) && splitOfFileName(f) !== undefined) // a README or LICENSE beside the data is ignored
    .sort();
}

function readRegularFile(path: string, known?: Stats): SourceFile {
  const stat = known ?? statOf(path);
  if (!stat.isFile()) throw stat.isDirectory() ? new AppError('bad_input', `${path} is a folder inside the dataset folder; only files are read there`) : notRegular(path, stat);
  const fd = openForReading(path);
  try {
    // Checked again on the open file: the path may have been swapped for a pipe since the stat.
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw notRegular(path, opened);
    return { name: path, bytes: readFileSync(fd) };
  } catch (e) {
    throw e instanceof AppError ? e : readFailure(path, e);
  } finally {
    closeSync(fd);
  }
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw readFailure(path, e);
  }
}

function entriesOf(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch (e) {
    throw readFailure(folder, e);
  }
}

function notRegular(path: string, stat: Stats): AppError {
  const kind = stat.isFIFO() ? 'a named pipe' : stat.isSocket() ? 'a socket' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : 'not a regular file';
  return new AppError('bad_input', `${path} is ${kind}, not a data file: only regular files (or folders of them) can be imported`);
}

/** A file-system error as a sentence: permission problems are the person's to fix, so they read as such. */
export function readFailure(path: string, e: unknown): AppError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return new AppError('not_found', `Cannot read ${path}: permission denied (${code}); check the file's or folder's permissions`);
  if (code === 'ENOENT') return new AppError('not_found', `Cannot read ${path}: no such file or folder`);
  return new AppError('not_found', `Cannot read ${path}: ${(e as Error).message}`);
}

function listed(names: string[]): string {
  const shown = names.slice(0, 10).map((n) => basename(n));
  return shown.join(', ') + (names.length > 10 ? `, and ${names.length - 10} more` : '');
}
