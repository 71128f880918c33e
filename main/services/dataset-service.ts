// Datasets as the app keeps them: import (a path, an upload, a dropped folder, the embedded
// samples; big CSV/TSV/JSON Lines files stream), inspection before import, and reading stored
// datasets back. Content identity and upload names: ./dataset-identity.ts; the trainer's shape
// of a dataset: ./training-data.ts; parsing: ./import/.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { DatasetInspection, ImportFile, ImportOptions, ValidationReport } from '../../shared/dataset-report';
import { AppError } from '../../shared/errors';
import type { DatasetPreview, DatasetSummary } from '../../shared/schemas';
import type { DatasetsRepo, StoredRow } from '../db/datasets-repo';
import type { EventBus } from './event-bus';
import { countFileLines, countLines, estimateRows } from './import-size';
import { parseDatasetAsync } from './import';
import { assemble, toInspection, type AssembledDataset } from './import/assemble';
import { importStreamed, type StreamImportOptions } from './import/stream-store';
import { checkReadablePath, readDatasetSources } from './import/read-sources';
import { commonName, contentHash, decodeUpload, fileHash, renameFile, safeFileName, type SourceFile } from './dataset-identity';
import { toTrainingData, type TrainingData } from './training-data';

/** Share of each class held out for validation, and the split's fixed seed (the split belongs to the dataset). */
export const VALIDATION_FRACTION = 0.2;
export const SPLIT_SEED = 20230109;
export const EMBEDDED_DATASET_FILE = 'imdb-reviews-2k.csv';
export const EMBEDDED_SQUAD_FILE = 'squad-v2-excerpt.json';
/** The embedded datasets, by the name the 'datasets.importEmbedded' request gives: a file in assets/datasets/ and how it is imported. */
export const EMBEDDED_DATASETS: Record<string, { file: string; options?: ImportOptions }> = {
  imdb: { file: EMBEDDED_DATASET_FILE },
  spam: { file: 'spam-assassin-2k.csv' },
  // Question answering: the SQuAD 2.0 excerpt as it is, and its long-input form (each context plus 3 paragraphs of its article).
  squad: { file: EMBEDDED_SQUAD_FILE },
  'squad-long': { file: EMBEDDED_SQUAD_FILE, options: { qaDistractors: 3 } },
};
/** CSV/TSV and JSON Lines files above this size stream from disk instead of being read whole. */
export const STREAM_THRESHOLD_BYTES = 32 * 1024 * 1024;
/**
 * CSV/TSV and JSON Lines files with more lines than this stream too, whatever their size: the
 * in-memory path holds every row as objects plus its near-duplicate index (measured ~2-3.5 KB a
 * row: 200k rows 670-925 MB, 1M rows 2.6 GB), so a 16 MB file of 4M short rows ran out of heap,
 * and it runs in one go (50k rows held the event loop ~3 s, 20k rows ~1.5 s). Smaller files keep
 * the in-memory path for its richer report (near duplicates, exact columns).
 */
export const STREAM_THRESHOLD_ROWS = 20_000;
/**
 * What the in-memory path (JSON, Parquet, multi-label, folders of split files) accepts at most;
 * beyond it the import is refused with a reason instead of exhausting the heap.
 */
export const MAX_IN_MEMORY_ROWS = 250_000;
export const MAX_IN_MEMORY_BYTES = 256 * 1024 * 1024;
/** Uploads (renderer drops) above this size report progress and can be cancelled before storing. */
export const TEXT_PROGRESS_BYTES = 4 * 1024 * 1024;

export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export class DatasetService {
  /** In-flight path imports, by path, so a request can cancel one. */
  private readonly inFlight = new Map<string, AbortController>();
  /** Above this many bytes a file streams; a field so tests can stream small files through importPath. */
  streamThresholdBytes = STREAM_THRESHOLD_BYTES;
  /** Above this many lines a streamable file streams even when small; a field for the same reason. */
  streamThresholdRows = STREAM_THRESHOLD_ROWS;
  /** Above this many bytes an upload reports progress; a field for the same reason. */
  textProgressBytes = TEXT_PROGRESS_BYTES;

  constructor(
    private readonly repo: DatasetsRepo,
    private readonly assetsDir: string,
    private readonly events?: EventBus,
  ) {}

  /** importPath with progress events and cancel by path, for the 'datasets.importPath' channel. */
  async importPathTracked(path: string, options: ImportOptions = {}): Promise<DatasetSummary> {
    if (this.inFlight.has(path)) throw new AppError('conflict', `${path} is already being imported`);
    const controller = new AbortController();
    this.inFlight.set(path, controller);
    try {
      return await this.importPath(path, {
        ...options,
        signal: controller.signal,
        onProgress: this.progressEvents(path),
      });
    } finally {
      this.inFlight.delete(path);
    }
  }

  /** 'dataset.importProgress' for the import known as `path`, at most ~10 a second: enough for a bar, not a flood over IPC. */
  private progressEvents(path: string): (p: { bytes: number; totalBytes: number; rows: number }) => void {
    let last = 0;
    return (p) => {
      const now = Date.now();
      if (now - last < 100 && p.bytes < p.totalBytes) return;
      last = now;
      this.events?.emit('dataset.importProgress', { path, ...p });
    };
  }

  cancelImport(path: string): boolean {
    const controller = this.inFlight.get(path);
    controller?.abort();
    return controller !== undefined;
  }

  /**
   * Parses, validates and stores a dataset. The same content imported twice gives the same
   * dataset (matched by SHA-256), so runs on it stay comparable.
   */
  importText(fileName: string, content: string, options: ImportOptions = {}): Promise<DatasetSummary> {
    return this.importBytes(fileName, Buffer.from(content, 'utf8'), basename(fileName, extname(fileName)), options);
  }

  /** Several files (a dropped folder) as the renderer sends them: text, or base64 for binary. */
  importUploaded(files: ImportFile[], name: string, options: ImportOptions = {}): Promise<DatasetSummary> {
    if (files.length === 1) return this.importBytes(files[0].name, decodeUpload(files[0]).bytes, name, options);
    return this.importFiles(files.map(decodeUpload), name, options);
  }

  /**
   * A file the browser uploaded to disk (main/web/server.ts's upload route) or an upload spilled
   * there, imported under the name the person knows: progress and cancel are keyed by that name
   * (a page knows no path) and error locations name it instead of the temporary file.
   */
  async importUploadedFile(tempPath: string, fileName: string, options: ImportOptions = {}, signal?: AbortSignal): Promise<DatasetSummary> {
    if (this.inFlight.has(fileName)) throw new AppError('conflict', `${fileName} is already being imported`);
    const cancelled = () => {
      if (signal?.aborted) throw new AppError('conflict', 'import cancelled');
    };
    try {
      cancelled();
      if (!(await this.streams(tempPath, options))) {
        const size = (await stat(tempPath)).size;
        if (size > MAX_IN_MEMORY_BYTES) refuseInMemory(fileName, `${(size / 2 ** 20).toFixed(0)} MiB`);
        // Small files: exactly what importText gives (importFiles tracks progress by the name).
        return await this.importFiles([{ name: fileName, bytes: await readFile(tempPath) }], basename(fileName, extname(fileName)), options);
      }
      const controller = new AbortController();
      this.inFlight.set(fileName, controller);
      // A cancel sent before the streaming began (while the file was still being checked) counts too.
      signal?.addEventListener('abort', () => controller.abort(), { once: true });
      cancelled();
      try {
        return await this.importLargeFile(tempPath, {
          ...options,
          signal: controller.signal,
          onProgress: this.progressEvents(fileName),
        });
      } finally {
        this.inFlight.delete(fileName);
      }
    } catch (e) {
      throw e instanceof AppError ? renameFile(e, tempPath, fileName) : e;
    }
  }

  /** An upload's bytes: streamed through a temporary file when the in-memory reader could not hold it. */
  private async importBytes(fileName: string, bytes: Uint8Array, name: string, options: ImportOptions): Promise<DatasetSummary> {
    const big = bytes.length > this.streamThresholdBytes || countLines(bytes, this.streamThresholdRows) > this.streamThresholdRows;
    if (!big || !STREAMABLE_FILE.test(fileName) || !streamsWith(options)) return this.importFiles([{ name: fileName, bytes }], name, options);
    const dir = await mkdtemp(join(tmpdir(), 'comparo-import-'));
    try {
      const file = join(dir, safeFileName(fileName));
      await writeFile(file, bytes);
      return await this.importUploadedFile(file, fileName, options);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Big CSV/TSV/JSONL files stream: by size, or by line count (many tiny rows are as heavy). */
  private async streams(path: string, options: ImportOptions): Promise<boolean> {
    if (isStreamable(path, options, this.streamThresholdBytes)) return true;
    return isStreamable(path, options, 0) && (await countFileLines(path, this.streamThresholdRows)) > this.streamThresholdRows;
  }

  /** Reports what an import would store (mapping, task, validation report) and stores nothing. */
  async inspect(files: ImportFile[], options: ImportOptions = {}): Promise<DatasetInspection> {
    const sources = files.map(decodeUpload);
    const hash = contentHash(sources, options);
    const assembled = await this.assembleSources(sources, options);
    return toInspection(sources.length === 1 ? sources[0].name : commonName(sources), assembled, this.repo.findByHash(hash)?.id);
  }

  /** A file or a folder on disk (CLI, Electron's dropped paths); big CSV/TSV/JSONL files stream. */
  async importPath(path: string, options: StreamImportOptions = {}): Promise<DatasetSummary> {
    // Pipes, devices and unreadable paths are refused before either path opens them.
    checkReadablePath(path);
    if (await this.streams(path, options)) return this.importLargeFile(path, options);
    const { signal: _signal, onProgress: _onProgress, ...importOptions } = options;
    return this.importFiles(readDatasetSources(path), basename(path, extname(path)), importOptions);
  }

  /**
   * Streams one CSV/TSV file into the database with bounded memory, reporting progress and
   * honouring cancel; nothing stays stored if it fails or is cancelled.
   */
  async importLargeFile(path: string, options: StreamImportOptions = {}): Promise<DatasetSummary> {
    const { signal: _signal, onProgress: _onProgress, ...identity } = options;
    const hash = await fileHash(path, identity);
    const existing = this.repo.findByHash(hash);
    if (existing) return existing;
    const placeholder: DatasetSummary = {
      id: newId('d'), name: basename(path, extname(path)), fileName: basename(path), format: /\.(tsv|tab)$/i.test(path) ? 'tsv' : /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'csv',
      rows: 0, textColumn: '', labelColumn: '', labels: [], labelCounts: {}, splits: { train: 0, validation: 0 }, contentHash: hash,
      createdAt: new Date().toISOString(),
    };
    const split = { validationFraction: VALIDATION_FRACTION, seed: SPLIT_SEED };
    return (await importStreamed(this.repo, path, placeholder, split, options)).summary;
  }

  async importFiles(sources: SourceFile[], name: string, options: ImportOptions = {}): Promise<DatasetSummary> {
    const hash = contentHash(sources, options);
    const existing = this.repo.findByHash(hash);
    if (existing) return existing;
    const fileName = sources.length === 1 ? basename(sources[0].name) : commonName(sources);
    const totalBytes = sources.reduce((sum, source) => sum + source.bytes.length, 0);
    // In-memory parses are synchronous, so progress is per file, and a cancel (keyed by the file
    // name, as the renderer knows no path) takes effect between files and before anything is stored.
    const tracked = totalBytes > this.textProgressBytes && !this.inFlight.has(fileName);
    const controller = new AbortController();
    if (tracked) this.inFlight.set(fileName, controller);
    const progress = async (bytes: number, rows: number) => {
      if (!tracked) return;
      this.events?.emit('dataset.importProgress', { path: fileName, bytes, totalBytes, rows });
      // Let the event go out and a 'datasets.cancelImport' request in.
      await new Promise((resolve) => setImmediate(resolve));
      if (controller.signal.aborted) throw new AppError('conflict', 'import cancelled');
    };
    try {
      await progress(0, 0);
      const assembled = await this.assembleSources(sources, options, progress);
      await progress(totalBytes, assembled.rows.length);
      const summary = toSummary(assembled, name, fileName, hash);
      this.repo.insert(summary, assembled.rows as StoredRow[], assembled.report);
      return summary;
    } finally {
      if (tracked) this.inFlight.delete(fileName);
    }
  }

  importEmbedded(which = 'imdb'): Promise<DatasetSummary> {
    const embedded = Object.hasOwn(EMBEDDED_DATASETS, which) ? EMBEDDED_DATASETS[which] : undefined;
    if (!embedded) throw new AppError('not_found', `No embedded dataset "${which}"; there are: ${Object.keys(EMBEDDED_DATASETS).join(', ')}`);
    return this.importPath(join(this.assetsDir, embedded.file), embedded.options ?? {});
  }

  list(): DatasetSummary[] {
    return this.repo.list();
  }

  get(id: string): DatasetSummary {
    const d = this.repo.get(id);
    if (!d) throw new AppError('not_found', `No dataset with id ${id}. List them with \`runs\` or import a file first.`);
    return d;
  }

  report(id: string): ValidationReport | undefined {
    this.get(id);
    return this.repo.report(id);
  }

  preview(id: string, limit = 20): DatasetPreview {
    return { dataset: this.get(id), rows: this.repo.rows(id, limit) };
  }

  /**
   * The texts of the training split (and their pairs), for masked-language-model pretraining:
   * never validation or test, whose texts a model adapted to them would have seen.
   */
  trainingTexts(id: string): string[] {
    this.get(id);
    return this.repo.rows(id).filter((row) => row.split === 'train').flatMap((row) => [row.text, ...(row.textPair ? [row.textPair] : [])]);
  }

  /** Training material in the trainer's shape (main/services/training-data.ts). */
  trainingData(id: string): TrainingData {
    return toTrainingData(this.get(id), this.repo.rows(id));
  }

  private async assembleSources(sources: SourceFile[], options: ImportOptions, progress?: (bytes: number, rows: number) => Promise<void>): Promise<AssembledDataset> {
    const parts = [];
    const total = sources.reduce((sum, s) => sum + s.bytes.length, 0);
    const estimated = sources.reduce((sum, s) => sum + estimateRows(s.name, s.bytes), 0);
    const name = sources.length === 1 ? sources[0].name : commonName(sources);
    if (total > MAX_IN_MEMORY_BYTES) refuseInMemory(name, `${(total / 2 ** 20).toFixed(0)} MiB`);
    if (estimated > MAX_IN_MEMORY_ROWS) refuseInMemory(name, `about ${estimated.toLocaleString('en-US')} rows`);
    let bytes = 0;
    let rows = 0;
    for (const source of sources) {
      const parsed = await parseDatasetAsync(source.name, source.bytes, options);
      parts.push({ fileName: source.name, parsed });
      bytes += source.bytes.length;
      rows += parsed.rows.length;
      // The last file's progress is sent by the caller, with the final row count.
      if (progress && bytes < total) await progress(bytes, rows);
    }
    return assemble(parts, options, { validationFraction: VALIDATION_FRACTION, seed: SPLIT_SEED });
  }
}

/** The extensions the streamed reader takes (main/services/import/stream-file.ts). */
const STREAMABLE_FILE = /\.(csv|tsv|tab|txt|jsonl|ndjson)$/i;

function refuseInMemory(file: string, size: string): never {
  throw new AppError(
    'bad_input',
    `${size} is more than Comparo reads whole (at most ${MAX_IN_MEMORY_ROWS.toLocaleString('en-US')} rows and ${MAX_IN_MEMORY_BYTES / 2 ** 20} MiB for JSON, Parquet, multi-label or split-file folders): save it as one CSV, TSV or JSON Lines file, which streams with bounded memory`,
    { file, line: 1, column: 1 },
  );
}

/**
 * Options the streamed path can honour: multi-label needs the whole dataset's labels, and QA
 * distractors the whole article's paragraphs (main/services/import/qa-distractors.ts), so those
 * imports read the file whole (up to MAX_IN_MEMORY_ROWS).
 */
function streamsWith(options: ImportOptions): boolean {
  return options.task !== 'multilabel' && options.qaDistractors === undefined;
}

function isStreamable(path: string, options: ImportOptions, threshold: number): boolean {
  try {
    const stat = statSync(path);
    // The streamed path has no whole-dataset label merging or task choices beyond single-file tables.
    return stat.isFile() && stat.size > threshold && STREAMABLE_FILE.test(path) && streamsWith(options);
  } catch {
    return false;
  }
}

function toSummary(a: AssembledDataset, name: string, fileName: string, hash: string): DatasetSummary {
  const summary: DatasetSummary = {
    id: newId('d'),
    name,
    fileName,
    format: a.format,
    rows: a.rows.length,
    textColumn: a.mapping.textColumn,
    labelColumn: a.mapping.labelColumn,
    labels: a.labels,
    labelCounts: a.labelCounts,
    // `test` only when there is one, so single-file datasets keep the shape clients always saw.
    splits: a.splits.test > 0 ? a.splits : { train: a.splits.train, validation: a.splits.validation },
    contentHash: hash,
    createdAt: new Date().toISOString(),
    task: a.task,
    columns: a.columns,
    mapping: a.mapping,
  };
  if (a.encoding) summary.encoding = a.encoding;
  return summary;
}
