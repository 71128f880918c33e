// What the run page's Log tab lists. The trainer keeps no free-text log (main/training/
// node-launcher.ts sends its stderr to the parent's); what is recorded is the run's row, its
// metrics, evaluations, checkpoint and utility rows. This turns them into one timeline.
import type { RunDetail } from '../../../shared/schemas';
import { formatMetric, metricLabel } from '../../lib/format';

export interface TimelineEntry {
  /** When, where the database knows it (evaluations carry a step, not a time). */
  at: string | null;
  step: number | null;
  kind: 'created' | 'started' | 'evaluation' | 'test' | 'checkpoint' | 'utility' | 'finished' | 'error' | 'training';
  text: string;
}

const metricsText = (metrics: Record<string, number>) =>
  Object.entries(metrics)
    .map(([name, value]) => `${metricLabel(name)} ${formatMetric(name, value)}`)
    .join(', ');

export function runTimeline(detail: RunDetail): TimelineEntry[] {
  const { run } = detail;
  const entries: TimelineEntry[] = [{ at: run.createdAt, step: null, kind: 'created', text: `Created (${run.loss} loss, seed ${run.seed}, backend asked: ${run.config.backend})` }];
  if (run.startedAt) entries.push({ at: run.startedAt, step: 0, kind: 'started', text: `Started on ${run.backend ?? 'a backend not yet reported'}` });
  const train = detail.metrics.filter((m) => m.split === 'train' && m.name === 'loss');
  if (train.length > 0) {
    const first = train[0];
    const last = train[train.length - 1];
    entries.push({ at: null, step: last.step, kind: 'training', text: `Training loss logged at ${train.length} steps: ${first.value.toFixed(3)} at step ${first.step} → ${last.value.toFixed(3)} at step ${last.step}` });
  }
  for (const e of detail.evaluations) {
    const split = e.split ?? 'validation';
    const metrics: Record<string, number> = {};
    for (const m of detail.metrics) if (m.step === e.step && m.split === split) metrics[m.name] = m.value;
    const scores = metricsText(metrics);
    entries.push({
      at: null,
      step: e.step,
      kind: split === 'test' ? 'test' : 'evaluation',
      text: `${split === 'test' ? 'Test split, selected checkpoint' : 'Validation'} at step ${e.step} (epoch ${e.epoch.toFixed(2)})${scores ? `: ${scores}` : ''}${e.best && split !== 'test' ? ' · best so far (kept as best.ckpt)' : ''}`,
    });
  }
  if (run.checkpointStep !== null) entries.push({ at: null, step: run.checkpointStep, kind: 'checkpoint', text: `Latest checkpoint recorded at step ${run.checkpointStep} (resume continues from it)` });
  if (detail.utility.length > 0) entries.push({ at: null, step: run.step, kind: 'utility', text: `Neuronal utility measured: ${detail.utility.length} ablation levels` });
  if (run.finishedAt || !['queued', 'running', 'paused'].includes(run.status)) {
    entries.push({ at: run.finishedAt, step: run.step, kind: 'finished', text: `Ended ${run.status} at step ${run.step} of ${run.totalSteps}${Object.keys(run.finalMetrics).length ? `: ${metricsText(run.finalMetrics)}` : ''}` });
  }
  if (run.error) entries.push({ at: run.finishedAt, step: run.step, kind: 'error', text: run.error });
  // Steps order the middle; creation first and the end last whatever their step.
  const rank = (e: TimelineEntry) => (e.kind === 'created' ? -2 : e.kind === 'started' ? -1 : e.kind === 'finished' || e.kind === 'error' ? Number.MAX_SAFE_INTEGER : (e.step ?? 0));
  return entries.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i).map(({ e }) => e);
}
