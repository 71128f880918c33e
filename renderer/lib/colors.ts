// Baseline is blue, comparative is orange everywhere (rows, curves, table), so the arms are
// recognisable without reading legends. Ablated copies fade from the full model's orange.
export const BASELINE_COLOR = '#2f6fdb';
export const COMPARATIVE_COLOR = '#e8590c';
export const CMP_TERM_COLOR = '#9c36b5';

export function armColor(loss: 'baseline' | 'comparative'): string {
  return loss === 'baseline' ? BASELINE_COLOR : COMPARATIVE_COLOR;
}

/** Copy k of C (k >= 1): hue drifts towards yellow as the ablation gets heavier. */
export function ablatedCopyColor(k: number, copies: number): string {
  const t = copies <= 1 ? 1 : (k - 1) / (copies - 1);
  return `hsl(${Math.round(32 + 20 * t)}, 85%, ${Math.round(50 + 8 * t)}%)`;
}

/** Seeds of the same arm share a colour and differ by dash pattern. */
export function seedDash(seedIndex: number): number[] | undefined {
  const patterns: Array<number[] | undefined> = [undefined, [6, 4], [2, 3], [10, 3, 2, 3]];
  return patterns[seedIndex % patterns.length];
}
