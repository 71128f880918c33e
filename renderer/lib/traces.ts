// Per-run metric curves gathered from two sources that overlap: the stored metrics ('runs.get')
// and live events ('run.progress' samples, 'run.eval' points). Keyed by step, so a point that
// arrives from both sources is kept once, whatever the order.
import type { EventPayload } from '../../shared/contract';
import type { MetricPoint } from '../../shared/schemas';

type StepSample = EventPayload<'run.progress'>['samples'][number];
export type Split = MetricPoint['split'];

/** `${split}:${name}` -> step -> value. */
export type RunTrace = Map<string, Map<number, number>>;

export function seriesKey(split: Split, name: string): string {
  return `${split}:${name}`;
}

function put(trace: RunTrace, split: Split, name: string, step: number, value: number): void {
  if (!Number.isFinite(value)) return;
  const key = seriesKey(split, name);
  let points = trace.get(key);
  if (!points) {
    points = new Map();
    trace.set(key, points);
  }
  points.set(step, value);
}

export function addMetricPoints(trace: RunTrace, points: readonly MetricPoint[]): void {
  for (const point of points) put(trace, point.split, point.name, point.step, point.value);
}

/** Same names the services store: 'loss' (objective), 'l0'..'lC' (copies), 'cmp' (comparative term), 'lr', 'grad_norm'. */
export function addStepSamples(trace: RunTrace, samples: readonly StepSample[]): void {
  for (const sample of samples) {
    put(trace, 'train', 'loss', sample.step, sample.loss);
    sample.copyLosses.forEach((value, copy) => put(trace, 'train', `l${copy}`, sample.step, value));
    if (sample.cmpLoss !== null) put(trace, 'train', 'cmp', sample.step, sample.cmpLoss);
    if (sample.lr !== undefined) put(trace, 'train', 'lr', sample.step, sample.lr);
    if (sample.gradNorm !== undefined) put(trace, 'train', 'grad_norm', sample.step, sample.gradNorm);
  }
}

/** Highest k such that 'train:l{k}' exists, i.e. the number of ablated copies seen so far. */
export function ablatedCopyCount(trace: RunTrace | undefined): number {
  if (!trace) return 0;
  let count = 0;
  while (trace.has(seriesKey('train', `l${count + 1}`))) count += 1;
  return count;
}

/** uPlot wants one shared x array; series missing a step get null (drawn as a gap that spanGaps bridges). */
export type AlignedSeries = [number[], ...Array<Array<number | null>>];

export function alignSeries(sources: ReadonlyArray<ReadonlyMap<number, number> | undefined>): AlignedSeries {
  const steps = new Set<number>();
  for (const source of sources) source?.forEach((_, step) => steps.add(step));
  const xs = [...steps].sort((a, b) => a - b);
  const ys = sources.map((source) => xs.map((step) => source?.get(step) ?? null));
  return [xs, ...ys];
}

/**
 * TensorBoard-style exponential moving average, so the trend of a noisy per-step loss is readable.
 * Gaps stay gaps; the first value is debiased like TensorBoard does.
 */
export function smooth(values: ReadonlyArray<number | null | undefined>, weight: number): Array<number | null> {
  if (weight <= 0) return values.map((v) => v ?? null);
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (value === null || value === undefined) return null;
    last = last * weight + (1 - weight) * value;
    count += 1;
    return last / (1 - weight ** count);
  });
}
