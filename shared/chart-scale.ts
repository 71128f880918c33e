// Axis arithmetic shared by the app's SVG charts (renderer/components/comparison/ScatterPanel.tsx)
// and the report's (main/services/report/svg.ts), so both draw the same ticks for the same data.

/** About five round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A tick's label: four significant digits, exponents for the very large and very small. */
export const tickText = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

/** [low, high] over the finite values with a little padding; a single value gets a unit range. */
export function paddedRange(values: readonly number[], share = 0.05): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  if (low === high) [low, high] = [low - 0.5, high + 0.5];
  const pad = (high - low) * share;
  return [low - pad, high + pad];
}
