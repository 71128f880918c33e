// Stores a streamed file: rows go to the database batch by batch under an 'importing' dataset,
// then the seeded stratified split and the report are worked out from a few numbers per row
// (label id, text hash, line, length: ~20 bytes) instead of the rows themselves. Any error or a
// cancel removes every stored row, so nothing half-imported is ever visible.
import type { DatasetTask, ImportOptions, ValidationIssue, ValidationReport } from '../../../shared/dataset-report';
import { AppError } from '../../../shared/errors';
import type { DatasetSummary } from '../../../shared/schemas';
import { isSingleLabelTask } from '../../../shared/tasks';
import type { DatasetsRepo, StoredRow } from '../../db/datasets-repo';
import { DEFAULT_MAX_LENGTH } from './assemble';
import { groupedHeldOutSplit, heldOutSplit, labelCounts, type SplitShares } from './split';
import { streamDelimitedFile, type StreamProgress } from './stream-file';
import { readingIssues, type ReadingNotes } from './report';

export interface StreamImportOptions extends ImportOptions {
  signal?: AbortSignal;
  onProgress?: (progress: StreamProgress) => void;
}

/** Growable typed array: 1M rows cost 4-8 MB, not a million objects. */
class Column<T extends Float64Array | Uint32Array> {
  length = 0;
  constructor(private data: T) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  get(i: number): number {
    return this.data[i];
  }
}

export async function importStreamed(
  repo: DatasetsRepo,
  path: string,
  summary: DatasetSummary,
  split: SplitShares,
  options: StreamImportOptions,
): Promise<{ summary: DatasetSummary; report: ValidationReport }> {
  repo.begin(summary);
  try {
    const labelIds = new Map<string, number>();
    const labelOf = new Column(new Uint32Array(1024));
    const hashes = new Column(new Float64Array(1024));
    const lines = new Column(new Uint32Array(1024));
    const lengths = new Column(new Uint32Array(1024));
    // QA splits by context (./split.ts groupedHeldOutSplit): a hash of each row's context.
    const contexts = new Column(new Float64Array(1024));
    let stored = 0;
    const result = await streamDelimitedFile(
      path,
      (rows) => {
        const batch: StoredRow[] = rows.map((r) => ({ text: r.text, textPair: r.textPair, label: r.label, split: 'train', sourceLine: r.line }));
        repo.appendRows(summary.id, stored, batch);
        stored += rows.length;
        for (const r of rows) {
          let id = labelIds.get(r.label);
          if (id === undefined) labelIds.set(r.label, (id = labelIds.size));
          labelOf.push(id);
          hashes.push(hash53(r.textPair === undefined ? r.text : `${r.text}\u0000${r.textPair}`));
          lines.push(r.line);
          lengths.push(wordCount(r.text) + (r.textPair === undefined ? 0 : wordCount(r.textPair)));
          contexts.push(r.textPair === undefined ? 0 : hash53(r.textPair));
        }
      },
      options,
    );
    const task: DatasetTask = result.task;
    const classes = isSingleLabelTask(task);
    const names = [...labelIds.keys()];
    if (classes) await mergeCaseVariants(repo, summary.id, names, labelOf, stored);
    const allLabels = Array.from({ length: stored }, (_, i) => (classes ? names[labelOf.get(i)] : ''));
    const shares = { ...split, testFraction: options.testFraction ?? 0 };
    const splits = task === 'qa' ? groupedHeldOutSplit(Array.from({ length: stored }, (_, i) => String(contexts.get(i))), shares) : heldOutSplit(allLabels, shares);
    await repo.setSplit(summary.id, 'validation', splits.flatMap((s, i) => (s === 'validation' ? [i] : [])));
    await repo.setSplit(summary.id, 'test', splits.flatMap((s, i) => (s === 'test' ? [i] : [])));
    const counts = classes ? labelCounts(allLabels) : {};
    if (classes && Object.keys(counts).length < 2) {
      const only = Object.keys(counts)[0];
      throw new AppError('bad_input', `every row has the same label "${only}": a classifier needs at least two different labels`, { file: path, line: 1, column: 1 });
    }
    const report = streamReport(path, stored, splits, hashes, lines, lengths, counts, options.maxLength ?? DEFAULT_MAX_LENGTH, result);
    const final: DatasetSummary = {
      ...summary,
      rows: stored,
      textColumn: result.choice.textColumn,
      labelColumn: result.choice.labelColumn,
      labels: Object.keys(counts).sort(),
      labelCounts: counts,
      splits: {
        train: splits.filter((s) => s === 'train').length,
        validation: splits.filter((s) => s === 'validation').length,
        ...(splits.includes('test') ? { test: splits.filter((s) => s === 'test').length } : {}),
      },
      task,
      columns: result.columns,
      mapping: result.choice,
      encoding: result.encoding,
    };
    repo.finish(final, report);
    return { summary: final, report };
  } catch (error) {
    repo.abort(summary.id);
    throw error;
  }
}

/**
 * "Positive" and "positive" are one class, spelled as most rows spell it (as on the in-memory
 * path); rows are already stored, so the other spellings are rewritten in place.
 */
async function mergeCaseVariants(repo: DatasetsRepo, id: string, names: string[], labelOf: Column<Uint32Array>, rows: number): Promise<void> {
  const counts = new Array<number>(names.length).fill(0);
  for (let i = 0; i < rows; i++) counts[labelOf.get(i)]++;
  const best = new Map<string, number>();
  names.forEach((name, index) => {
    const key = name.toLowerCase();
    const current = best.get(key);
    if (current === undefined || counts[index] > counts[current]) best.set(key, index);
  });
  for (const [index, name] of names.entries()) {
    const canonical = names[best.get(name.toLowerCase())!];
    if (canonical !== name) {
      await repo.renameLabel(id, name, canonical);
      names[index] = canonical;
    }
  }
}

function wordCount(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** Two 32-bit FNV-1a variants combined into 53 bits: collisions in 1M rows are vanishingly rare. */
function hash53(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

function streamReport(
  file: string,
  rows: number,
  splits: string[],
  hashes: Column<Float64Array>,
  lines: Column<Uint32Array>,
  lengths: Column<Uint32Array>,
  counts: Record<string, number>,
  maxLength: number,
  notes: ReadingNotes,
): ValidationReport {
  const { skipped, skippedCount } = notes;
  const issues: ValidationIssue[] = [];
  const at = (indices: number[]) => indices.slice(0, 20).map((i) => ({ file, line: lines.get(i), column: 1 }));
  // Equal hashes are duplicates, and across splits leakage. A native sort of the hashes finds the
  // repeated values; only rows carrying one of those are then grouped (a comparator sort of 1M
  // indices took seconds).
  const sortedHashes = Float64Array.from({ length: rows }, (_, i) => hashes.get(i)).sort();
  const repeated = new Set<number>();
  for (let k = 1; k < rows; k++) if (sortedHashes[k] === sortedHashes[k - 1]) repeated.add(sortedHashes[k]);
  const duplicates: number[] = [];
  const leaked: number[] = [];
  const firstSplit = new Map<number, string>();
  const seen = new Map<number, Set<string>>();
  for (let i = 0; i < rows && repeated.size > 0; i++) {
    const h = hashes.get(i);
    if (!repeated.has(h)) continue;
    const splitsSeen = seen.get(h);
    if (!splitsSeen) {
      seen.set(h, new Set([splits[i]]));
      firstSplit.set(h, splits[i]);
      continue;
    }
    duplicates.push(i);
    if (!splitsSeen.has(splits[i]) || firstSplit.get(h) !== splits[i]) leaked.push(i);
    splitsSeen.add(splits[i]);
  }
  issues.push(...readingIssues(notes));
  if (duplicates.length > 0) issues.push({ severity: 'warning', kind: 'duplicates', message: 'rows repeat an earlier text', count: duplicates.length, locations: at(duplicates) });
  if (leaked.length > 0) issues.push({ severity: 'error', kind: 'leakage_exact', message: 'the same text is in train and validation', count: leaked.length, locations: at(leaked) });
  const sizes = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (sizes.length >= 2 && sizes[0][1] >= 10 * sizes[sizes.length - 1][1]) {
    issues.push({ severity: 'warning', kind: 'class_imbalance', message: `classes are imbalanced: "${sizes[0][0]}" has ${sizes[0][1]} rows, "${sizes[sizes.length - 1][0]}" only ${sizes[sizes.length - 1][1]}`, count: sizes[sizes.length - 1][1], locations: [] });
  }
  const sorted = Uint32Array.from({ length: rows }, (_, i) => lengths.get(i)).sort();
  const over: number[] = [];
  for (let i = 0; i < rows && over.length < 20; i++) if (lengths.get(i) > maxLength) over.push(i);
  const overCount = sorted.length - lowerBound(sorted, maxLength + 1);
  if (overCount > 0) issues.push({ severity: 'warning', kind: 'too_long', message: `${overCount} text(s) are longer than the model's maximum of ${maxLength} tokens (counted as words) and will be cut`, count: overCount, locations: at(over) });
  issues.push({ severity: 'info', kind: 'leakage_near', message: 'near-duplicate search is skipped for streamed (very large) files; exact duplicates were checked', count: 0, locations: [] });
  const width = Math.max(1, Math.ceil(maxLength / 8));
  const histogram = new Array<number>(9).fill(0);
  for (const n of sorted) histogram[Math.min(8, Math.floor(n / width))]++;
  const q = (p: number) => (rows === 0 ? 0 : sorted[Math.min(rows - 1, Math.floor(p * rows))]);
  return { rows, issues, skipped, skippedCount, lengths: { unit: 'words', min: q(0), median: q(0.5), p95: q(0.95), max: rows ? sorted[rows - 1] : 0, maxLength, overMaxLength: overCount, histogram } };
}

function lowerBound(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
