// From parsed files to one dataset: splits (a folder's train/validation/test files, or a seeded
// stratified split of a single file), label list and counts, and the validation report.
import { AppError } from '../../../shared/errors';
import type { ColumnMapping, DatasetInspection, DatasetTask, ImportOptions, ValidationReport } from '../../../shared/dataset-report';
import { isSingleLabelTask } from '../../../shared/tasks';
import type { ParsedDataset, SkippedRow } from './index';
import { buildReport, type ReportRow } from './report';
import { mergeHtmlFindings } from './html';
import { MAX_LISTED_SKIPPED } from './source-text';
import { addDistractors, type DistractorRow } from './qa-distractors';
import { groupedHeldOutSplit, heldOutSplit, labelCounts, type SplitShares } from './split';

export type StoredSplit = 'train' | 'validation' | 'test';

export interface AssembledRow {
  text: string;
  textPair?: string;
  label: string;
  split: StoredSplit;
  sourceLine: number;
}

export interface AssembledDataset {
  format: ParsedDataset['format'];
  columns: string[];
  mapping: ColumnMapping;
  task: DatasetTask;
  encoding?: string;
  rows: AssembledRow[];
  labels: string[];
  labelCounts: Record<string, number>;
  splits: { train: number; validation: number; test: number };
  report: ValidationReport;
}

/** Which split a file of a folder holds, from its name (train.csv, dev.tsv, test-00000.parquet...). */
export function splitOfFileName(name: string): StoredSplit | undefined {
  const base = name.split(/[\\/]/).pop()!.toLowerCase();
  if (/(^|[^a-z])(train|training)([^a-z]|$)/.test(base)) return 'train';
  if (/(^|[^a-z])(validation|valid|val|dev|development)([^a-z]|$)/.test(base)) return 'validation';
  if (/(^|[^a-z])(test|testing|eval)([^a-z]|$)/.test(base)) return 'test';
  return undefined;
}

/**
 * Hugging Face writes big splits as numbered shards: train-00000-of-00002.csv, and on the Hub
 * data/train-00000-of-00001-<hash>.parquet. Index and count, or undefined for other names.
 */
export function shardOfFileName(name: string): { index: number; count: number } | undefined {
  const base = name.split(/[\\/]/).pop()!.toLowerCase();
  const match = /(?:^|[^0-9])(\d{1,6})-of-(\d{1,6})(?:[^0-9]|$)/.exec(base);
  return match ? { index: Number(match[1]), count: Number(match[2]) } : undefined;
}

export const DEFAULT_MAX_LENGTH = 128;

export function assemble(
  parts: Array<{ fileName: string; parsed: ParsedDataset }>,
  options: ImportOptions,
  split: SplitShares,
): AssembledDataset {
  if (parts.length === 0) throw new AppError('bad_input', 'no dataset files found');
  const splitOf = new Map<ParsedDataset, StoredSplit>();
  if (parts.length > 1) {
    parts = inShardOrder(parts);
    const first = parts[0].parsed;
    for (const { fileName, parsed } of parts) {
      const s = splitOfFileName(fileName)!;
      if (parsed.task !== first.task || parsed.textColumn !== first.textColumn || parsed.labelColumn !== first.labelColumn) {
        throw new AppError('bad_input', `"${fileName}" has a different layout (${describe(parsed)}) from "${parts[0].fileName}" (${describe(first)}); choose the columns explicitly`, { file: fileName, line: 1, column: 1 });
      }
      splitOf.set(parsed, s);
    }
  }
  const first = parts[0].parsed;

  const rows: AssembledRow[] = [];
  const reportRows: ReportRow[] = [];
  const needsValidation = parts.length === 1 || ![...splitOf.values()].includes('validation');
  // Validation is carved from train when no file holds it; a test file is never touched.
  const trainRows = parts.flatMap(({ parsed }) => ((splitOf.get(parsed) ?? 'train') === 'train' ? parsed.rows : []));
  const stratifyBy = (label: string) => (isSingleLabelTask(first.task) ? label : '');
  // A test share is only carved from a single file: a folder says itself which rows are test.
  const shares = parts.length === 1 ? { ...split, testFraction: options.testFraction ?? 0 } : { ...split, testFraction: 0 };
  // QA splits by context: questions on one paragraph stay together (./split.ts groupedHeldOutSplit).
  const qa = first.task === 'qa';
  const carved = !needsValidation ? [] : qa ? groupedHeldOutSplit(trainRows.map((r) => r.textPair ?? ''), shares) : heldOutSplit(trainRows.map((r) => stratifyBy(r.label)), shares);
  const distractors = options.qaDistractors;
  if (distractors !== undefined && !qa) {
    throw new AppError('bad_input', `qaDistractors adds paragraphs to question-answering contexts, but this is a ${first.task} dataset`, { file: parts[0].fileName, line: 1, column: 1 });
  }
  const placed: Array<AssembledRow & DistractorRow> = [];
  let trainIndex = 0;
  for (const { fileName, parsed } of parts) {
    const fileSplit = splitOf.get(parsed) ?? 'train';
    for (const row of parsed.rows) {
      const s: StoredSplit = fileSplit === 'train' && needsValidation ? carved[trainIndex++] : fileSplit;
      const stored: AssembledRow & DistractorRow = { text: row.text, label: row.label, split: s, sourceLine: row.line, file: fileName, line: row.line };
      if (row.textPair !== undefined) stored.textPair = row.textPair;
      if (distractors !== undefined) {
        if (row.id !== undefined) stored.id = row.id;
        if (row.title !== undefined) stored.title = row.title;
      }
      placed.push(stored);
    }
  }
  const shortOfDistractors = distractors === undefined ? undefined : addDistractors(placed, distractors);
  for (const { text, textPair, label, split: s, sourceLine, file } of placed) {
    const stored: AssembledRow = { text, label, split: s, sourceLine };
    if (textPair !== undefined) stored.textPair = textPair;
    rows.push(stored);
    reportRows.push({ ...stored, file, line: sourceLine });
  }
  if (parts.length > 1) refuseLabelsUnseenInTrain(reportRows, first.task);
  const skipped: SkippedRow[] = parts.flatMap(({ parsed }) => parsed.skipped);
  const classes = isSingleLabelTask(first.task) || first.task === 'multilabel';
  const counts = classes ? countLabels(rows, first.task) : {};
  const mapping: ColumnMapping = { textColumn: first.textColumn, labelColumn: first.labelColumn };
  if (first.textPairColumn !== undefined) mapping.textPairColumn = first.textPairColumn;
  if (first.idColumn !== undefined) mapping.idColumn = first.idColumn;
  if (first.titleColumn !== undefined) mapping.titleColumn = first.titleColumn;
  const assembled: AssembledDataset = {
    format: first.format,
    columns: first.columns,
    mapping,
    task: first.task,
    rows,
    labels: Object.keys(counts).sort(),
    labelCounts: counts,
    splits: {
      train: rows.filter((r) => r.split === 'train').length,
      validation: rows.filter((r) => r.split === 'validation').length,
      test: rows.filter((r) => r.split === 'test').length,
    },
    report: buildReport(reportRows, first.task, options.maxLength ?? DEFAULT_MAX_LENGTH, {
      skipped: skipped.slice(0, MAX_LISTED_SKIPPED),
      skippedCount: parts.reduce((sum, { parsed }) => sum + (parsed.skippedCount ?? 0), 0),
      html: mergeHtmlFindings(parts.map(({ parsed }) => parsed.html)),
    }),
  };
  if (shortOfDistractors && shortOfDistractors.short.length > 0) {
    const { short, fewest } = shortOfDistractors;
    // Said, not silent: these contexts are shorter than the option asked for.
    assembled.report.issues.push({
      severity: 'warning',
      kind: 'qa_distractors',
      message: `${short.length} question(s) got fewer than the ${distractors} other paragraphs asked for (as few as ${fewest}): their article has no more paragraphs they may draw from (a train question draws from train paragraphs only, a held-out one from its split and train)`,
      count: short.length,
      locations: short.slice(0, 20).map((r) => ({ file: r.file, line: r.line, column: 1 })),
    });
  }
  if (first.encoding) assembled.encoding = first.encoding;
  return assembled;
}

/**
 * A folder's files in the order their rows are read: each split's shards by shard number, in the
 * place of the split's first file. Refuses what cannot be one dataset: a file of no split, no
 * train file, two unsharded files of one split, or a shard set with a shard missing or repeated.
 */
function inShardOrder(parts: Array<{ fileName: string; parsed: ParsedDataset }>): Array<{ fileName: string; parsed: ParsedDataset }> {
  const byName = new Map(parts.map((p) => [p.fileName, p]));
  return orderFolderFiles(parts.map((p) => p.fileName)).map((name) => byName.get(name)!);
}

/**
 * The checks and order of inShardOrder on file names alone, so that a folder is refused before
 * its files are parsed (main/services/import/read-sources.ts), even when it holds a single file.
 */
export function orderFolderFiles(fileNames: string[]): string[] {
  const bySplit = new Map<StoredSplit, string[]>();
  const base = (name: string) => name.split(/[\\/]/).pop()!;
  for (const name of fileNames) {
    const s = splitOfFileName(name);
    if (s === undefined) {
      throw new AppError('bad_input', `cannot tell which split "${name}" holds: name folder files train, validation (or dev) and test`, { file: name, line: 1, column: 1 });
    }
    bySplit.set(s, [...(bySplit.get(s) ?? []), name]);
  }
  if (!bySplit.has('train')) {
    throw new AppError('bad_input', `the folder has no train file (found ${fileNames.map(base).join(', ')}): name the training file train.csv (or train.jsonl, train-00000-of-00001.parquet...)`, { file: fileNames[0], line: 1, column: 1 });
  }
  for (const [s, files] of bySplit) {
    const shards = files.map((name) => ({ name, shard: shardOfFileName(name) }));
    if (files.length === 1 && (shards[0].shard === undefined || shards[0].shard.count === 1)) continue;
    const unsharded = shards.find((f) => f.shard === undefined);
    if (unsharded) {
      throw new AppError('bad_input', `${files.length} files hold the ${s} split (${files.map(base).join(', ')}): keep one, or name them as shards (${s}-00000-of-0000${files.length}...)`, { file: unsharded.name, line: 1, column: 1 });
    }
    shards.sort((a, b) => a.shard!.index - b.shard!.index);
    const count = shards[0].shard!.count;
    shards.forEach((f, i) => {
      if (f.shard!.count !== count || f.shard!.index !== i || i >= count) {
        throw new AppError('bad_input', `the ${s} shards do not form one set: expected shard ${i} of ${count}, found "${base(f.name)}"`, { file: f.name, line: 1, column: 1 });
      }
    });
    if (shards.length !== count) {
      throw new AppError('bad_input', `the ${s} split has ${shards.length} of its ${count} shards: shard ${shards.length} (of ${count}) is missing`, { file: shards[shards.length - 1].name, line: 1, column: 1 });
    }
    bySplit.set(s, shards.map((f) => f.name));
  }
  const ordered: string[] = [];
  const placed = new Set<StoredSplit>();
  for (const name of fileNames) {
    const s = splitOfFileName(name)!;
    if (!placed.has(s)) ordered.push(...bySplit.get(s)!);
    placed.add(s);
  }
  return ordered;
}

/**
 * A class that occurs only in validation or test has no training rows: the model can never
 * predict it, and every such row silently counts as an error. Refused, naming the labels.
 */
function refuseLabelsUnseenInTrain(rows: ReportRow[], task: DatasetTask): void {
  if (!isSingleLabelTask(task) && task !== 'multilabel') return;
  const labelsOf = (r: ReportRow): string[] => (task === 'multilabel' ? (JSON.parse(r.label) as string[]) : [r.label]);
  const train = new Set(rows.filter((r) => r.split === 'train').flatMap(labelsOf));
  for (const split of ['validation', 'test'] as const) {
    const unseen = new Map<string, ReportRow>();
    for (const r of rows) if (r.split === split) for (const l of labelsOf(r)) if (!train.has(l) && !unseen.has(l)) unseen.set(l, r);
    if (unseen.size === 0) continue;
    const first = [...unseen.values()][0];
    const shown = [...unseen.keys()].slice(0, 10).map((l) => `"${l}"`).join(', ') + (unseen.size > 10 ? `, and ${unseen.size - 10} more` : '');
    throw new AppError('bad_input', `the ${split} split has label(s) that never occur in train: ${shown}; the model cannot learn a class it has no training rows for`, { file: first.file, line: first.line, column: 1 });
  }
}

/** Multi-label rows count once per label they carry. */
function countLabels(rows: AssembledRow[], task: DatasetTask): Record<string, number> {
  if (task !== 'multilabel') return labelCounts(rows.map((r) => r.label));
  return labelCounts(rows.flatMap((r) => JSON.parse(r.label) as string[]));
}

function describe(p: ParsedDataset): string {
  return `task ${p.task}, text "${p.textColumn}", label "${p.labelColumn}"`;
}

export function toInspection(fileName: string, assembled: AssembledDataset, existingId: string | undefined): DatasetInspection {
  const inspection: DatasetInspection = {
    fileName,
    format: assembled.format,
    columns: assembled.columns,
    mapping: assembled.mapping,
    task: assembled.task,
    rows: assembled.rows.length,
    labels: assembled.labels,
    labelCounts: assembled.labelCounts,
    splits: assembled.splits,
    report: assembled.report,
    sample: assembled.rows.slice(0, 20).map(({ text, textPair, label }) => (textPair === undefined ? { text, label } : { text, textPair, label })),
  };
  if (existingId !== undefined) inspection.existingId = existingId;
  return inspection;
}
