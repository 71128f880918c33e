// How long things take, in words the app and the CLI share.
import type { TimeEstimate } from './app-info';

/** 75_000 -> "1m 15s"; unknown or negative -> "—". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** "About 4m 10s: 6 runs of up to 150 steps, 2 at a time (priced by 6 earlier runs of this model on this machine)." */
export function estimateText(e: TimeEstimate): string {
  const runs = `${e.runs} run${e.runs === 1 ? '' : 's'} of up to ${e.stepsPerRun} steps, ${e.parallel} at a time`;
  if (e.seconds === null) return `Time: not known yet — ${runs}; ${e.basis}.`;
  return `About ${formatDuration(e.seconds * 1000)}: ${runs} (priced by ${e.basis}).`;
}
