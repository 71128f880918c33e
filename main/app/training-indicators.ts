// The taskbar/dock progress while runs train and a notification when a run or a comparison ends,
// driven only by the services' contract events. The decisions live here, apart from Electron
// (the sinks are BrowserWindow.setProgressBar and Notification in index.ts), so they are unit-tested.
import type { EventPayload } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import type { ComparisonDetail, RunSummary } from '../../shared/schemas';
import { isActiveRunStatus } from '../../shared/vocabulary';
import type { Services } from '../services/index';

export type ProgressMode = 'none' | 'normal' | 'paused';

export interface IndicatorSinks {
  /** mode 'none' removes the bar; fraction is 0..1 otherwise. */
  setProgress(fraction: number, mode: ProgressMode): void;
  notify(title: string, body: string): void;
}

interface Tracked {
  step: number;
  totalSteps: number;
  paused: boolean;
}

/** Subscribes to the services' events; returns the unsubscriber (called when the app quits). */
export function startTrainingIndicators(services: Pick<Services, 'onEvent' | 'dispatch'>, sinks: IndicatorSinks): () => void {
  const tracked = new Map<string, Tracked>();
  let shown: string | null = null;

  // One bar for everything that trains: steps done over steps known. A run whose trainer has not
  // reported its step count yet adds nothing, so the bar can step back a little when one starts.
  const update = (): void => {
    let step = 0;
    let total = 0;
    let allPaused = tracked.size > 0;
    for (const run of tracked.values()) {
      step += Math.min(run.step, run.totalSteps);
      total += run.totalSteps;
      allPaused &&= run.paused;
    }
    const mode: ProgressMode = tracked.size === 0 ? 'none' : allPaused ? 'paused' : 'normal';
    const fraction = mode === 'none' || total === 0 ? 0 : step / total;
    const key = `${mode}:${fraction.toFixed(3)}`;
    if (key === shown) return; // progress events come several times a second; the OS needs fewer
    shown = key;
    sinks.setProgress(fraction, mode);
  };

  const onRunStatus = (payload: EventPayload<'run.status'>): void => {
    if (isActiveRunStatus(payload.status)) {
      const run = tracked.get(payload.runId) ?? { step: 0, totalSteps: 0, paused: false };
      run.paused = payload.status === 'paused';
      tracked.set(payload.runId, run);
    } else {
      tracked.delete(payload.runId);
      // Cancelled: the person did it. Interrupted: Comparo is closing, or offers a resume at start.
      if (payload.status === 'completed' || payload.status === 'failed') void notifyRun(payload);
    }
    update();
  };

  // A run of a comparison is announced by its comparison, once, when all its runs are done.
  const notifyRun = async (payload: EventPayload<'run.status'>): Promise<void> => {
    const result = (await services.dispatch('runs.get', { id: payload.runId })) as Result<{ run: RunSummary }>;
    if (!result.ok || result.value.run.comparisonId) return;
    const run = result.value.run;
    const accuracy = run.finalMetrics.accuracy;
    if (payload.status === 'completed') {
      sinks.notify('Run finished', `${run.name}${accuracy !== undefined ? ` · accuracy ${(accuracy * 100).toFixed(1)}%` : ''}`);
    } else {
      sinks.notify('Run failed', `${run.name}: ${payload.error ?? 'see the run in Comparo'}`);
    }
  };

  const onComparisonStatus = async (payload: EventPayload<'comparison.status'>): Promise<void> => {
    if (payload.status !== 'completed' && payload.status !== 'failed') return;
    const result = (await services.dispatch('comparisons.get', { id: payload.comparisonId })) as Result<ComparisonDetail>;
    if (payload.status === 'failed') {
      sinks.notify('Comparison failed', 'A run of the comparison failed; open Comparo to see why.');
      return;
    }
    const accuracy = result.ok ? result.value.table.find((row) => row.metric === 'accuracy') : undefined;
    const difference = accuracy?.meanDifference;
    sinks.notify(
      'Comparison finished',
      difference === null || difference === undefined
        ? 'Open Comparo to see the table.'
        : `Comparative minus baseline accuracy: ${difference >= 0 ? '+' : ''}${(difference * 100).toFixed(1)} points.`,
    );
  };

  return services.onEvent((name, payload) => {
    if (name === 'run.progress') {
      const p = payload as EventPayload<'run.progress'>;
      // 'running' always comes first (the trainer's 'ready'); a late sample after the end is ignored.
      const run = tracked.get(p.runId);
      if (!run) return;
      run.step = p.step;
      run.totalSteps = p.totalSteps;
      update();
    } else if (name === 'run.status') {
      onRunStatus(payload as EventPayload<'run.status'>);
    } else if (name === 'comparison.status') {
      void onComparisonStatus(payload as EventPayload<'comparison.status'>);
    }
  });
}
