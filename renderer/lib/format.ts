// How numbers read in the UI. Metric-aware: accuracy-like metrics as percentages, differences of
// them in percentage points, losses with three decimals, timings in ms.

import { baseMetric, isMilliseconds, metricIsFraction, metricIsLowerBetter } from '../../shared/verdict';
import { formatDuration } from '../../shared/durations';
import { formatFlops, isFlopsMetric } from '../../shared/flops';

export { formatDuration };

export function isLowerBetter(metric: string): boolean {
  return metricIsLowerBetter(metric);
}

// One vocabulary of metric names for the app, the CLI and the report.
export { metricLabel } from '../../shared/metric-labels';

export function formatMetric(metric: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (metricIsFraction(metric)) return `${(value * 100).toFixed(1)}%`;
  if (isMilliseconds(metric)) return formatMilliseconds(value);
  if (isFlopsMetric(metric)) return formatFlops(value);
  // A mean count of processes: one decimal says "1.7 at once" without false precision.
  if (baseMetric(metric) === 'concurrent_trainers') return value.toFixed(1);
  return value.toFixed(3);
}

function formatMilliseconds(ms: number): string {
  if (Math.abs(ms) < 1000) return `${ms.toFixed(1)} ms`;
  if (Math.abs(ms) < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}

export function formatDifference(metric: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  const magnitude = Math.abs(value);
  if (metricIsFraction(metric)) return `${sign}${(magnitude * 100).toFixed(1)} pp`;
  if (isMilliseconds(metric)) return `${sign}${formatMilliseconds(magnitude)}`;
  if (isFlopsMetric(metric)) return `${sign}${formatFlops(magnitude)}`;
  return `${sign}${magnitude.toFixed(3)}`;
}

/** 'better' | 'worse' | 'same' for the comparative arm relative to the baseline. */
export function differenceVerdict(metric: string, difference: number | null | undefined): 'better' | 'worse' | 'same' | 'unknown' {
  if (difference === null || difference === undefined || !Number.isFinite(difference)) return 'unknown';
  if (difference === 0) return 'same';
  const improved = isLowerBetter(metric) ? difference < 0 : difference > 0;
  return improved ? 'better' : 'worse';
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatCount(value: number): string {
  return value.toLocaleString();
}
