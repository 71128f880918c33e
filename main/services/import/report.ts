// The validation report: what is worth knowing about a dataset before training on it. Errors that
// make rows unusable stop the import earlier (extract-rows); what is here is legal data that can
// still mislead a comparison: duplicates, leakage between splits, imbalance, texts the model cuts.
import type { SourceLocation } from '../../../shared/errors';
import type { DatasetTask, ValidationIssue, ValidationReport } from '../../../shared/dataset-report';
import { isSingleLabelTask } from '../../../shared/tasks';
import type { SkippedRow } from './source-text';
import { htmlMessage, type HtmlFinding } from './html';

export interface ReportRow {
  text: string;
  textPair?: string;
  label: string;
  split: 'train' | 'validation' | 'test';
  file: string;
  line: number;
}

const MAX_LOCATIONS = 20;
/** Near-duplicate search compares word sets; above this many rows it would cost more than the import. */
const NEAR_DUPLICATE_ROW_LIMIT = 200_000;
const NEAR_DUPLICATE_JACCARD = 0.8;

/** What reading the files noted besides the rows: the rows skipped (listed and counted) and HTML markup. */
export interface ReadingNotes {
  skipped: SkippedRow[];
  skippedCount: number;
  html?: HtmlFinding;
}

export function buildReport(rows: ReportRow[], task: DatasetTask, maxLength: number, notes: ReadingNotes): ValidationReport {
  const { skipped, skippedCount } = notes;
  const issues: ValidationIssue[] = [];
  const add = (severity: ValidationIssue['severity'], kind: ValidationIssue['kind'], message: string, concerned: ReportRow[] | SourceLocation[]) => {
    if (concerned.length === 0) return;
    const locations = concerned.slice(0, MAX_LOCATIONS).map((r) => ('column' in r ? r : { file: r.file, line: r.line, column: 1 }));
    issues.push({ severity, kind, message, count: concerned.length, locations });
  };

  issues.push(...readingIssues(notes));
  checkDuplicates(rows, task, add);
  checkLeakage(rows, add);
  if (isSingleLabelTask(task)) checkLabels(rows, add);
  const lengths = lengthStats(rows, maxLength);
  add('warning', 'too_long', `${lengths.overMaxLength} text(s) are longer than the model's maximum of ${maxLength} tokens (counted as words, which underestimates tokens) and will be cut`, rows.filter((r) => wordCount(r) > maxLength));
  add('info', 'short_texts', 'texts of one or two words give the model little to learn from', rows.filter((r) => wordCount(r) <= 2));
  return { rows: rows.length, issues, lengths, skipped, skippedCount };
}

/** The findings about skipped rows and HTML markup, shared with the streamed report (stream-store.ts). */
export function readingIssues({ skipped, skippedCount, html }: ReadingNotes): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (skippedCount > 0) {
    const locations = skipped.slice(0, MAX_LOCATIONS).map(({ file, line, column }) => ({ file, line, column }));
    issues.push({ severity: 'warning', kind: 'skipped_rows', message: `${skippedCount} row(s) were skipped and not imported`, count: skippedCount, locations });
  }
  if (html) issues.push({ severity: html.stripped ? 'info' : 'warning', kind: 'html_markup', message: htmlMessage(html), count: html.rows, locations: html.locations });
  return issues;
}

type Add = (severity: ValidationIssue['severity'], kind: ValidationIssue['kind'], message: string, concerned: ReportRow[]) => void;

const keyOf = (r: ReportRow) => (r.textPair === undefined ? r.text : `${r.text}\u0000${r.textPair}`);

function checkDuplicates(rows: ReportRow[], task: DatasetTask, add: Add): void {
  const first = new Map<string, ReportRow>();
  const duplicates: ReportRow[] = [];
  const conflicting: ReportRow[] = [];
  for (const row of rows) {
    const key = `${row.split}\u0001${keyOf(row)}`;
    const seen = first.get(key);
    if (!seen) first.set(key, row);
    else if (seen.label === row.label || task === 'qa') duplicates.push(row);
    else conflicting.push(row);
  }
  add('warning', 'duplicates', 'rows repeat an earlier row of the same split with the same label (the model sees them more than once)', duplicates);
  add('warning', 'conflicting_duplicates', 'rows repeat an earlier text of the same split with a different label', conflicting);
}

function checkLeakage(rows: ReportRow[], add: Add): void {
  const train = rows.filter((r) => r.split === 'train');
  const heldOut = rows.filter((r) => r.split !== 'train');
  if (train.length === 0 || heldOut.length === 0) return;
  const exactKeys = new Set(train.map(keyOf));
  const exact = heldOut.filter((r) => exactKeys.has(keyOf(r)));
  add('error', 'leakage_exact', 'validation/test rows also appear in train, word for word: their scores measure memory, not generalisation', exact);

  const exactSet = new Set(exact);
  const candidates = heldOut.filter((r) => !exactSet.has(r));
  const near: ReportRow[] = [];
  // Same text once case, punctuation and spacing are ignored.
  const looseKeys = new Set(train.map((r) => looseKey(keyOf(r))));
  const remaining: ReportRow[] = [];
  for (const r of candidates) (looseKeys.has(looseKey(keyOf(r))) ? near : remaining).push(r);
  if (rows.length <= NEAR_DUPLICATE_ROW_LIMIT) near.push(...minHashNear(train, remaining));
  add('warning', 'leakage_near', `validation/test rows are near-duplicates of train rows (same words up to case and punctuation, or word-pair overlap >= ${NEAR_DUPLICATE_JACCARD})`, near);
}

function looseKey(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function shingles(text: string): Set<string> {
  const words = looseKey(text).split(' ');
  const set = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) set.add(`${words[i]} ${words[i + 1]}`);
  if (words.length === 1) set.add(words[0]);
  return set;
}

/** Train rows one held-out row is compared with at most: templated texts share bands with thousands. */
export const NEAR_DUPLICATE_COMPARISONS_PER_ROW = 50;

/**
 * MinHash with banding (4 bands of 3 hashes): rows sharing a band are compared exactly, at most
 * NEAR_DUPLICATE_COMPARISONS_PER_ROW per held-out row. `stats.examined` counts the bucket entries
 * looked at, which the cap bounds (it once only stopped comparing and kept walking the bucket:
 * 34 s of a 40 s import on templated texts).
 */
export function minHashNear(train: ReportRow[], heldOut: ReportRow[], stats: { examined: number } = { examined: 0 }): ReportRow[] {
  if (heldOut.length === 0) return [];
  const BANDS = 4;
  const PER_BAND = 3;
  const seeds = Array.from({ length: BANDS * PER_BAND }, (_, i) => (i + 1) * 0x9e3779b1);
  const signature = (set: Set<string>): string[] => {
    const mins = seeds.map(() => 0xffffffff);
    for (const s of set) {
      const base = fnv1a(s);
      for (let i = 0; i < seeds.length; i++) {
        const h = Math.imul(base ^ seeds[i], 0x85ebca6b) >>> 0;
        if (h < mins[i]) mins[i] = h;
      }
    }
    return Array.from({ length: BANDS }, (_, b) => `${b}:${mins.slice(b * PER_BAND, (b + 1) * PER_BAND).join(',')}`);
  };
  const buckets = new Map<string, number[]>();
  const trainSets = train.map((r) => shingles(keyOf(r)));
  trainSets.forEach((set, index) => {
    if (set.size < 3) return; // very short texts match by chance; the loose key covers them
    for (const band of signature(set)) {
      const list = buckets.get(band);
      if (list) list.push(index);
      else buckets.set(band, [index]);
    }
  });
  const found: ReportRow[] = [];
  for (const row of heldOut) {
    const set = shingles(keyOf(row));
    if (set.size < 3) continue;
    const compared = new Set<number>();
    let hit = false;
    bands: for (const band of signature(set)) {
      for (const index of buckets.get(band) ?? []) {
        if (compared.size >= NEAR_DUPLICATE_COMPARISONS_PER_ROW) break bands;
        stats.examined++;
        if (compared.has(index)) continue;
        compared.add(index);
        if (jaccard(set, trainSets[index]) >= NEAR_DUPLICATE_JACCARD) {
          hit = true;
          break bands;
        }
      }
    }
    if (hit) found.push(row);
  }
  return found;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function checkLabels(rows: ReportRow[], add: Add): void {
  const counts = new Map<string, ReportRow[]>();
  for (const r of rows) {
    const list = counts.get(r.label);
    if (!list) counts.set(r.label, [r]);
    else if (list.length < MAX_LOCATIONS) list.push(r);
  }
  const sizes = new Map<string, number>();
  for (const r of rows) sizes.set(r.label, (sizes.get(r.label) ?? 0) + 1);
  const ordered = [...sizes.entries()].sort((a, b) => b[1] - a[1]);
  const [largest, smallest] = [ordered[0], ordered[ordered.length - 1]];
  if (ordered.length >= 2 && largest[1] >= 10 * smallest[1]) {
    add('warning', 'class_imbalance', `classes are imbalanced: "${largest[0]}" has ${largest[1]} rows, "${smallest[0]}" only ${smallest[1]} (accuracy will flatter; look at macro F1)`, counts.get(smallest[0]) ?? []);
  }
  const rare = ordered.filter(([, n]) => n < 5).flatMap(([label]) => counts.get(label) ?? []);
  add('warning', 'rare_class', 'some classes have fewer than 5 rows: too few to learn or to measure', rare);

  const trainLabels = new Set(rows.filter((r) => r.split === 'train').map((r) => r.label));
  if (trainLabels.size > 0) {
    add('error', 'unknown_labels', 'validation/test rows have labels that never occur in train: the model cannot predict them', rows.filter((r) => r.split !== 'train' && !trainLabels.has(r.label)));
  }
  for (const split of ['validation', 'test'] as const) {
    const inSplit = rows.filter((r) => r.split === split);
    if (inSplit.length > 0 && new Set(inSplit.map((r) => r.label)).size === 1) {
      add('warning', 'one_class', `every ${split} row has the same label "${inSplit[0].label}": metrics on it say little`, inSplit.slice(0, 1));
    }
  }
}

function wordCount(r: ReportRow): number {
  const count = (t: string) => (t.match(/\S+/g) ?? []).length;
  return count(r.text) + (r.textPair === undefined ? 0 : count(r.textPair));
}

function lengthStats(rows: ReportRow[], maxLength: number): ValidationReport['lengths'] {
  const lengths = Float64Array.from(rows, wordCount).sort();
  const at = (q: number) => (lengths.length === 0 ? 0 : lengths[Math.min(lengths.length - 1, Math.floor(q * lengths.length))]);
  const width = Math.max(1, Math.ceil(maxLength / 8));
  const histogram = new Array<number>(9).fill(0);
  for (const n of lengths) histogram[Math.min(8, Math.floor(n / width))]++;
  return {
    unit: 'words',
    min: at(0),
    median: at(0.5),
    p95: at(0.95),
    max: lengths.length === 0 ? 0 : lengths[lengths.length - 1],
    maxLength,
    overMaxLength: lengths.filter((n) => n > maxLength).length,
    histogram,
  };
}
