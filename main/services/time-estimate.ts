// How long a comparison will take, said before it starts. The price of a step comes from this
// machine's own finished runs, not from a constant: each gives FLOPs per wall-clock millisecond
// (its estimated FLOPs per step, main/services/step-flops.ts, over its measured ms per step) and
// the time it spent outside optimizer steps (its wall time minus steps x ms per step: encoding
// the data, evaluations, the utility curves), plus the start of a trainer process before a run
// reports running (the shortest wait of its comparison's runs: the first runs never queue), which
// dominate short runs.
// Runs of the same model and loss price it best (small models are overhead-bound, so FLOPs alone
// mislead across shapes); else runs of the same model; else any run, and the basis says which.
import type { DatasetSummary, LossKind, RunConfig, RunSummary } from '../../shared/schemas';
import type { TimeEstimate } from '../../shared/app-info';
import type { StepFlops } from './step-flops';

/** The newest finished runs consulted: recent speed is today's machine. */
const HISTORY_RUNS = 60;
/** Time outside steps is clamped: a run paused for a night must not price the next one. */
const MAX_NON_STEP_MS = 30 * 60_000;

interface Measured {
  sameModel: boolean;
  loss: LossKind;
  flopsPerMs: number;
  nonStepMs: number;
}

export interface PlannedComparison {
  config: RunConfig;
  seeds: number;
  dataset: DatasetSummary;
}

export class TimeEstimator {
  constructor(
    private readonly flops: StepFlops,
    private readonly finishedRuns: () => readonly RunSummary[],
    private readonly datasetOf: (id: string) => DatasetSummary | undefined,
    private readonly parallel: number,
  ) {}

  estimate(plan: PlannedComparison): TimeEstimate {
    const runs = plan.seeds * 2;
    const parallel = Math.max(1, Math.min(this.parallel, runs));
    const stepsPerRun = plannedSteps(plan.config, plan.dataset);
    const measured = this.measured(plan.config);
    const base = { runs, parallel, stepsPerRun };
    if (measured.length === 0) {
      return { ...base, seconds: null, basis: 'no run has finished on this machine yet: the first one measures its speed, and the progress bar then shows the time left' };
    }
    let totalMs = 0;
    let worstBasis = 0;
    for (const loss of ['baseline', 'comparative'] as const) {
      const tiers = [measured.filter((m) => m.sameModel && m.loss === loss), measured.filter((m) => m.sameModel), measured];
      const tier = tiers.findIndex((t) => t.length > 0);
      worstBasis = Math.max(worstBasis, tier);
      const pick = tiers[tier];
      const flopsPerMs = median(pick.map((m) => m.flopsPerMs));
      const nonStepMs = median(pick.map((m) => m.nonStepMs));
      const msPerStep = this.flops.perStep(plan.config, loss, plan.dataset) / flopsPerMs;
      totalMs += plan.seeds * (stepsPerRun * msPerStep + nonStepMs);
    }
    const basis = [
      `${measured.filter((m) => m.sameModel).length} earlier runs of this model on this machine`,
      `${measured.filter((m) => m.sameModel).length} earlier runs of this model on this machine (none with this loss: rougher)`,
      `${measured.length} earlier runs of other models on this machine, scaled by FLOPs (rough)`,
    ][worstBasis];
    return { ...base, seconds: totalMs / parallel / 1000, basis };
  }

  private measured(config: RunConfig): Measured[] {
    const out: Measured[] = [];
    const runs = this.finishedRuns().slice(0, HISTORY_RUNS);
    const startup = startupByGroup(runs);
    for (const run of runs) {
      const ms = run.finalMetrics.ms_per_step;
      const dataset = this.datasetOf(run.datasetId);
      if (run.status !== 'completed' || typeof ms !== 'number' || !(ms > 0) || run.step <= 0 || !dataset) continue;
      const flops = this.flops.perStep(run.config, run.loss, dataset);
      if (!(flops > 0)) continue;
      const wallMs = run.startedAt && run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : Number.NaN;
      const afterStart = Number.isFinite(wallMs) ? Math.max(0, wallMs - run.step * ms) : 0;
      const nonStepMs = Math.min(MAX_NON_STEP_MS, afterStart + (startup.get(run.comparisonId ?? run.id) ?? 0));
      out.push({ sameModel: sameModel(run.config, config), loss: run.loss, flopsPerMs: flops / ms, nonStepMs });
    }
    return out;
  }
}

/** Per comparison (a lone run by itself), the shortest time from a run's creation to its start: the trainer's start-up. */
function startupByGroup(runs: readonly RunSummary[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const run of runs) {
    if (!run.startedAt) continue;
    const lag = Date.parse(run.startedAt) - Date.parse(run.createdAt);
    if (!Number.isFinite(lag) || lag < 0) continue;
    const key = run.comparisonId ?? run.id;
    out.set(key, Math.min(out.get(key) ?? Infinity, lag));
  }
  return out;
}

/** Optimizer steps a run of `config` plans on `dataset`, as main/training/engine.ts counts them. */
export function plannedSteps(config: RunConfig, dataset: DatasetSummary): number {
  const examples = config.maxTrainExamples > 0 ? Math.min(dataset.splits.train, config.maxTrainExamples) : dataset.splits.train;
  return Math.ceil(Math.ceil(examples / config.batchSize) / Math.max(1, config.gradAccumulation)) * config.epochs;
}

function sameModel(a: RunConfig, b: RunConfig): boolean {
  const m = a.model;
  const n = b.model;
  return (m.pretrained ?? null) === (n.pretrained ?? null) && m.dim === n.dim && m.layers === n.layers && m.ffnDim === n.ffnDim && a.maxLength === b.maxLength && a.batchSize === b.batchSize;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
