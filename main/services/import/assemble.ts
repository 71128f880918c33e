// From parsed files to one dataset: splits (a folder's train/validation/test files, or a seeded
// stratified split of a single file), label list and counts, and the validation report.
import { AppError } from '../../../shared/errors';
import type { ColumnMapping, DatasetInspection, DatasetTask, ImportOptions, ValidationReport } from '../../../shared/dataset-report';
import { isSingleLabelTask } from '../../../shared/tasks';
import type { ParsedDataset, SkippedRow } from './index';
import { buildReport, type ReportRow } from './report';
import { heldOutSplit, labelCounts, type SplitShares } from './split';

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

export const DEFAULT_MAX_LENGTH = 128;

export function assemble(
  parts: Array<{ fileName: string; parsed: ParsedDataset }>,
  options: ImportOptions,
  split: SplitShares,
): AssembledDataset {
  if (parts.length === 0) throw new AppError('bad_input', 'no dataset files found');
  const first = parts[0].parsed;
  const splitOf = new Map<ParsedDataset, StoredSplit>();
  if (parts.length > 1) {
    for (const { fileName, parsed } of parts) {
      const s = splitOfFileName(fileName);
      if (s === undefined) {
        throw new AppError('bad_input', `cannot tell which split "${fileName}" holds: name folder files train, validation (or dev) and test`, { file: fileName, line: 1, column: 1 });
      }
      if ([...splitOf.values()].includes(s)) throw new AppError('bad_input', `two files hold the ${s} split`, { file: fileName, line: 1, column: 1 });
      if (parsed.task !== first.task || parsed.textColumn !== first.textColumn || parsed.labelColumn !== first.labelColumn) {
        throw new AppError('bad_input', `"${fileName}" has a different layout (${describe(parsed)}) from "${parts[0].fileName}" (${describe(first)}); choose the columns explicitly`, { file: fileName, line: 1, column: 1 });
      }
      splitOf.set(parsed, s);
    }
    if (![...splitOf.values()].includes('train')) throw new AppError('bad_input', 'the folder has no train file', { file: parts[0].fileName, line: 1, column: 1 });
  }

  const rows: AssembledRow[] = [];
  const reportRows: ReportRow[] = [];
  const needsValidation = parts.length === 1 || ![...splitOf.values()].includes('validation');
  // Validation is carved from train when no file holds it; a test file is never touched.
  const trainRows = parts.flatMap(({ parsed }) => ((splitOf.get(parsed) ?? 'train') === 'train' ? parsed.rows : []));
  const stratifyBy = (label: string) => (isSingleLabelTask(first.task) ? label : '');
  // A test share is only carved from a single file: a folder says itself which rows are test.
  const shares = parts.length === 1 ? { ...split, testFraction: options.testFraction ?? 0 } : { ...split, testFraction: 0 };
  const carved = needsValidation ? heldOutSplit(trainRows.map((r) => stratifyBy(r.label)), shares) : [];
  let trainIndex = 0;
  for (const { fileName, parsed } of parts) {
    const fileSplit = splitOf.get(parsed) ?? 'train';
    for (const row of parsed.rows) {
      const s: StoredSplit = fileSplit === 'train' && needsValidation ? carved[trainIndex++] : fileSplit;
      const stored: AssembledRow = { text: row.text, label: row.label, split: s, sourceLine: row.line };
      if (row.textPair !== undefined) stored.textPair = row.textPair;
      rows.push(stored);
      reportRows.push({ ...stored, file: fileName, line: row.line });
    }
  }
  const skipped: SkippedRow[] = parts.flatMap(({ parsed }) => parsed.skipped);
  const classes = isSingleLabelTask(first.task) || first.task === 'multilabel';
  const counts = classes ? countLabels(rows, first.task) : {};
  const mapping: ColumnMapping = { textColumn: first.textColumn, labelColumn: first.labelColumn };
  if (first.textPairColumn !== undefined) mapping.textPairColumn = first.textPairColumn;
  if (first.idColumn !== undefined) mapping.idColumn = first.idColumn;
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
    report: buildReport(reportRows, first.task, options.maxLength ?? DEFAULT_MAX_LENGTH, skipped),
  };
  if (first.encoding) assembled.encoding = first.encoding;
  return assembled;
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
