// Train/validation split that keeps every class's share the same in both parts, so validation
// metrics are not skewed by a split that happened to starve a rare class.
import { AppError } from '../../../shared/errors';
import { mulberry32, shuffleInPlace } from '../../../shared/random';

export type SplitName = 'train' | 'validation';

/**
 * For each class, round(count * validationFraction) of its rows (at least one when the class has
 * two or more, never all of them) go to validation, chosen by a shuffle seeded with `seed`.
 * The result depends only on the arguments: same labels, fraction and seed, same split.
 */
export function stratifiedSplit(labels: string[], validationFraction: number, seed: number): SplitName[] {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new AppError('invalid_request', `validation fraction must be between 0 and 1 (exclusive), got ${validationFraction}`);
  }
  if (!Number.isInteger(seed)) throw new AppError('invalid_request', `split seed must be an integer, got ${seed}`);

  const rowsByLabel = new Map<string, number[]>();
  labels.forEach((label, row) => {
    const rows = rowsByLabel.get(label);
    if (rows) rows.push(row);
    else rowsByLabel.set(label, [row]);
  });

  const splits: SplitName[] = labels.map(() => 'train');
  const random = mulberry32(seed);
  // Classes in sorted order, so the random stream each one draws from does not depend on which
  // label happens to come first in the file.
  for (const label of [...rowsByLabel.keys()].sort(compareStrings)) {
    const rows = shuffleInPlace(rowsByLabel.get(label) ?? [], random);
    const validationCount = rows.length < 2 ? 0 : clamp(Math.round(rows.length * validationFraction), 1, rows.length - 1);
    for (const row of rows.slice(0, validationCount)) splits[row] = 'validation';
  }
  return splits;
}

/** Rows per label, keys in sorted order. */
export function labelCounts(labels: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  // fromEntries defines own properties, so even a label like "__proto__" is counted safely.
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => compareStrings(a, b)));
}

function compareStrings(a: string, b: string): number {
  // Code-unit order rather than localeCompare, which varies with the machine's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
