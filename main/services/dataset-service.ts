import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { DatasetPreview, DatasetSummary } from '../../shared/schemas';
import type { DatasetsRepo, StoredRow } from '../db/datasets-repo';
import { labelCounts, parseDataset, stratifiedSplit } from './import';

/** Share of each class held out for validation, and the split's fixed seed (the split belongs to the dataset). */
export const VALIDATION_FRACTION = 0.2;
export const SPLIT_SEED = 20230109;
export const EMBEDDED_DATASET_FILE = 'imdb-reviews-2k.csv';

export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export class DatasetService {
  constructor(
    private readonly repo: DatasetsRepo,
    private readonly assetsDir: string,
  ) {}

  /**
   * Parses, validates and stores a dataset. The same content imported twice gives the same
   * dataset (matched by SHA-256), so runs on it stay comparable.
   */
  importText(fileName: string, content: string): DatasetSummary {
    const contentHash = createHash('sha256').update(content).digest('hex');
    const existing = this.repo.findByHash(contentHash);
    if (existing) return existing;
    const parsed = parseDataset(fileName, content);
    const labels = parsed.rows.map((r) => r.label);
    const splits = stratifiedSplit(labels, VALIDATION_FRACTION, SPLIT_SEED);
    const rows: StoredRow[] = parsed.rows.map((r, i) => ({ text: r.text, label: r.label, split: splits[i], sourceLine: r.line }));
    const counts = labelCounts(labels);
    const summary: DatasetSummary = {
      id: newId('d'),
      name: basename(fileName, extname(fileName)),
      fileName: basename(fileName),
      format: parsed.format,
      rows: rows.length,
      textColumn: parsed.textColumn,
      labelColumn: parsed.labelColumn,
      labels: Object.keys(counts).sort(),
      labelCounts: counts,
      splits: {
        train: splits.filter((s) => s === 'train').length,
        validation: splits.filter((s) => s === 'validation').length,
      },
      contentHash,
      createdAt: new Date().toISOString(),
    };
    this.repo.insert(summary, rows);
    return summary;
  }

  importFile(path: string): DatasetSummary {
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (e) {
      throw new AppError('not_found', `Cannot read ${path}: ${(e as Error).message}`);
    }
    return this.importText(path, content);
  }

  importEmbedded(): DatasetSummary {
    return this.importFile(this.embeddedPath());
  }

  embeddedPath(): string {
    return join(this.assetsDir, EMBEDDED_DATASET_FILE);
  }

  list(): DatasetSummary[] {
    return this.repo.list();
  }

  get(id: string): DatasetSummary {
    const d = this.repo.get(id);
    if (!d) throw new AppError('not_found', `No dataset with id ${id}. List them with \`runs\` or import a file first.`);
    return d;
  }

  preview(id: string, limit = 20): DatasetPreview {
    return { dataset: this.get(id), rows: this.repo.rows(id, limit) };
  }

  /** Training material in the trainer's shape: class indices into the sorted label list. */
  trainingData(id: string): { labelNames: string[]; train: { texts: string[]; labels: number[] }; validation: { texts: string[]; labels: number[] } } {
    const dataset = this.get(id);
    const index = new Map(dataset.labels.map((l, i) => [l, i]));
    const train = { texts: [] as string[], labels: [] as number[] };
    const validation = { texts: [] as string[], labels: [] as number[] };
    for (const row of this.repo.rows(id)) {
      const target = row.split === 'train' ? train : validation;
      target.texts.push(row.text);
      target.labels.push(index.get(row.label)!);
    }
    return { labelNames: dataset.labels, train, validation };
  }
}
