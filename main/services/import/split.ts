// Train/validation split that keeps every class's share the same in both parts, so validation
// metrics are not skewed by a split that happened to starve a rare class.
import { AppError } from '../../../shared/errors';
import { mixSeed, mulberry32, shuffleInPlace } from '../../../shared/random';

export type SplitName = 'train' | 'validation';
export type HeldOutSplitName = SplitName | 'test';

/** How a single file is divided: shares of the whole file, and the seed of the shuffles. */
export interface SplitShares {
  validationFraction: number;
  /** Held out for the final, unbiased score (0 or absent: no test split). */
  testFraction?: number;
  seed: number;
}

/**
 * Train / validation / test, each stratified by class. The test rows are drawn first (their own
 * seed, so adding a test share never depends on the validation draw), then validation from the
 * rest at validationFraction / (1 - testFraction), which keeps validation's share of the whole file.
 * Without a test share this is exactly stratifiedSplit (existing datasets split as before).
 */
export function heldOutSplit(labels: string[], shares: SplitShares): HeldOutSplitName[] {
  const testFraction = shares.testFraction ?? 0;
  if (testFraction === 0) return stratifiedSplit(labels, shares.validationFraction, shares.seed);
  if (!(testFraction > 0 && testFraction + shares.validationFraction < 1)) {
    throw new AppError('invalid_request', `test share must be above 0 and leave rows to train on (with validation ${shares.validationFraction}), got ${testFraction}`);
  }
  const isTest = stratifiedSplit(labels, testFraction, mixSeed(shares.seed, 0x7e57)).map((s) => s === 'validation');
  const rest = labels.flatMap((label, i) => (isTest[i] ? [] : [i]));
  const restSplits = stratifiedSplit(rest.map((i) => labels[i]), shares.validationFraction / (1 - testFraction), shares.seed);
  const out: HeldOutSplitName[] = labels.map(() => 'test');
  rest.forEach((row, j) => (out[row] = restSplits[j]));
  return out;
}

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

/**
 * Train / validation / test by whole groups (QA: the questions of one context), so that no group
 * is in two splits: a question scored on validation must not have its paragraph trained on, or the
 * score measures memory of the paragraph. Groups are shuffled (seeded) and taken in that order
 * while the split stays nearest its share of the rows; test first (its own seed), as heldOutSplit.
 * A single group cannot be split without sharing it: then all of it is train.
 */
export function groupedHeldOutSplit(groups: string[], shares: SplitShares): HeldOutSplitName[] {
  const testFraction = shares.testFraction ?? 0;
  if (!(shares.validationFraction > 0 && shares.validationFraction < 1)) {
    throw new AppError('invalid_request', `validation fraction must be between 0 and 1 (exclusive), got ${shares.validationFraction}`);
  }
  if (testFraction !== 0 && !(testFraction > 0 && testFraction + shares.validationFraction < 1)) {
    throw new AppError('invalid_request', `test share must be above 0 and leave rows to train on (with validation ${shares.validationFraction}), got ${testFraction}`);
  }
  if (!Number.isInteger(shares.seed)) throw new AppError('invalid_request', `split seed must be an integer, got ${shares.seed}`);
  const members = new Map<string, number[]>();
  groups.forEach((group, row) => {
    const rows = members.get(group);
    if (rows) rows.push(row);
    else members.set(group, [row]);
  });
  const out: HeldOutSplitName[] = groups.map(() => 'train');
  // Sorted before the shuffle, so the draw does not depend on the order of the file.
  let left = [...members.keys()].sort(compareStrings);
  const carve = (name: SplitName | 'test', share: number, seed: number) => {
    if (left.length < 2) return;
    const target = Math.round(groups.length * share);
    const chosen = new Set<string>();
    let taken = 0;
    for (const group of shuffleInPlace([...left], mulberry32(seed))) {
      if (taken >= target || chosen.size >= left.length - 1) break;
      const size = members.get(group)!.length;
      // At least one group; after it, a group only when it brings the count nearer the target.
      if (chosen.size > 0 && Math.abs(target - taken - size) >= Math.abs(target - taken)) continue;
      chosen.add(group);
      taken += size;
      for (const row of members.get(group)!) out[row] = name;
    }
    left = left.filter((g) => !chosen.has(g));
  };
  if (testFraction > 0) carve('test', testFraction, mixSeed(shares.seed, 0x7e57));
  carve('validation', shares.validationFraction, shares.seed);
  return out;
}
