import { AppError } from '../../shared/errors';
import type { ComparisonDetail, ComparisonStats, ComparisonSummary, ComparisonTableRow, EvalSplit, RunConfig, RunSummary } from '../../shared/schemas';
import { completePairMeans, pairedStats } from '../../shared/paired-stats';
import { mean } from '../../shared/stats';
import { verdictText } from '../../shared/verdict';
import { adhocArmLabels, adhocTable } from './adhoc-comparison';
import { rowEvidence, rowValue, type StepCost, type TableMetric, tablePlan } from './comparison-metrics';
import type { WriteQueue } from '../db/busy';
import type { ComparisonsRepo } from '../db/comparisons-repo';
import { TERMINAL_STATUSES } from '../db/runs-repo';
import { newId, type DatasetService } from './dataset-service';
import type { EventBus } from './event-bus';
import { adhocCoverage, readAgainstReference, seededCoverage } from './comparison-reading';
import { referenceScores, type Reference } from './reference-scores';
import type { RunService } from './run-service';

/** Run statuses a comparison's seed can be trained again from. */
const RERUNNABLE: readonly string[] = ['cancelled', 'failed', 'interrupted'];

/**
 * A comparison is N seeds x {baseline, comparative}. Both arms of a seed get the same seed, so
 * the same data split, initialisation and data order: differences are paired by seed.
 */
export class ComparisonService {
  private readonly referenceCache = new Map<string, Partial<Record<EvalSplit, Record<string, Reference>>>>();

  constructor(
    private readonly repo: ComparisonsRepo,
    private readonly runs: RunService,
    private readonly datasets: DatasetService,
    private readonly events: EventBus,
    /** Status changes made when a run finishes (a trainer message): they must survive a busy database. */
    private readonly writes?: WriteQueue,
    /** Prices a run's step in FLOPs for the table's cost rows (main/services/step-flops.ts). */
    private readonly cost?: StepCost,
  ) {
    runs.onRunFinished = (run) => {
      if (run.comparisonId) this.refreshStatus(run.comparisonId);
    };
    // Resuming a run of an interrupted comparison brings the comparison back to life.
    runs.onRunRequeued = (run) => {
      if (run.comparisonId) this.markRunning(run.comparisonId);
    };
  }

  /** After start-up marked orphaned runs interrupted, their comparisons must not stay "running". */
  settleAfterRestart(runIds: readonly string[]): void {
    const ids = new Set(runIds.map((id) => this.runs.get(id).comparisonId).filter((c): c is string => c !== null));
    for (const id of ids) this.refreshStatus(id);
  }

  start(datasetId: string, seedCount: number, config: RunConfig): ComparisonSummary {
    const dataset = this.datasets.get(datasetId);
    const seeds = Array.from({ length: seedCount }, (_, i) => config.seed + i);
    const id = newId('c');
    this.repo.insert({ id, datasetId, seeds, config, status: 'running', createdAt: new Date().toISOString() });
    // Seed-major order: with two trainer slots, both arms of a seed train side by side.
    for (const seed of seeds) {
      for (const loss of ['baseline', 'comparative'] as const) {
        this.runs.create(datasetId, { ...config, loss, seed }, { comparisonId: id, name: `${loss} · seed ${seed} · ${dataset.name}` });
      }
    }
    this.events.emit('comparison.status', { comparisonId: id, status: 'running' });
    return this.get(id);
  }

  /**
   * Trains the cancelled, failed or interrupted runs of these seeds again from step 0 (a completed
   * arm of the same seed stays: the same seed gives the same split and initialisation, so the pair
   * holds). The comparison is running again until every run is over.
   */
  rerunSeeds(id: string, seeds: readonly number[]): ComparisonSummary {
    const comparison = this.seeded(id, 'trained again');
    const unknown = seeds.filter((seed) => !comparison.seeds.includes(seed));
    if (unknown.length > 0) throw new AppError('bad_input', `Comparison ${id} has no seed ${unknown.join(', ')}; its seeds are ${comparison.seeds.join(', ')}.`);
    const runs = comparison.runIds.map((r) => this.runs.get(r));
    const retrain = runs.filter((r) => seeds.includes(r.seed) && RERUNNABLE.includes(r.status));
    if (retrain.length === 0) {
      throw new AppError('conflict', `Seed ${seeds.join(', ')} of comparison ${id} has no cancelled, failed or interrupted run to train again.`);
    }
    this.markRunning(id);
    for (const run of retrain) this.runs.retrain(run.id);
    return this.get(id);
  }

  /** Adds `count` seeds after the largest one: both arms each, with the comparison's exact config. */
  addSeeds(id: string, count: number): ComparisonSummary {
    const comparison = this.seeded(id, 'given more seeds');
    const dataset = this.datasets.get(comparison.datasetId);
    const first = Math.max(...comparison.seeds) + 1;
    const added = Array.from({ length: count }, (_, i) => first + i);
    this.repo.setSeeds(id, [...comparison.seeds, ...added]);
    this.markRunning(id);
    for (const seed of added) {
      for (const loss of ['baseline', 'comparative'] as const) {
        this.runs.create(comparison.datasetId, { ...comparison.config, loss, seed }, { comparisonId: id, name: `${loss} · seed ${seed} · ${dataset.name}` });
      }
    }
    return this.get(id);
  }

  private seeded(id: string, what: string): ComparisonSummary {
    const comparison = this.get(id);
    if (comparison.kind === 'adhoc') {
      throw new AppError('conflict', `Comparison ${id} was put together from finished runs; only a comparison Comparo trained can be ${what}.`);
    }
    return comparison;
  }

  private markRunning(id: string): void {
    if (this.get(id).status === 'running') return;
    this.repo.setStatus(id, 'running');
    this.events.emit('comparison.status', { comparisonId: id, status: 'running' });
  }

  get(id: string): ComparisonSummary {
    const c = this.repo.get(id);
    if (!c) throw new AppError('not_found', `No comparison with id ${id}.`);
    return c;
  }

  list(): ComparisonSummary[] {
    return this.repo.list();
  }

  detail(id: string): ComparisonDetail {
    const comparison = this.get(id);
    const runs = comparison.runIds.map((r) => this.runs.get(r));
    if (comparison.kind === 'adhoc') {
      // Ad-hoc (migration 004): arms and pairing come from comparison_runs, not from loss and seed.
      const assignments = this.repo.adhocAssignments(id);
      const plan = tablePlan(this.datasets.get(comparison.datasetId), runs, this.cost);
      const { seeds, rows } = adhocTable(assignments, runs, plan.rows);
      const armLabels = adhocArmLabels(assignments, runs);
      const runArms = Object.fromEntries(assignments.map((a) => [a.runId, a.arm]));
      const dataset = this.datasets.get(comparison.datasetId);
      return {
        comparison: { ...comparison, seeds, ...(armLabels ? { armLabels } : {}) },
        runs,
        ...readAgainstReference(this.references(dataset.id), rows, plan.headline, dataset, armLabels),
        headline: plan.headline,
        runArms,
        coverage: adhocCoverage(assignments, runs, rows),
        task: dataset.task,
      };
    }
    const dataset = this.datasets.get(comparison.datasetId);
    const plan = tablePlan(dataset, runs, this.cost);
    const rows = comparisonTable(comparison.seeds, runs, plan.rows);
    return {
      comparison,
      runs,
      ...readAgainstReference(this.references(dataset.id), rows, plan.headline, dataset),
      headline: plan.headline,
      coverage: seededCoverage(comparison.seeds, runs),
      task: dataset.task,
    };
  }

  /** Reference scores per split of a dataset (its rows never change, so once per dataset and process). */
  private references(datasetId: string): Partial<Record<EvalSplit, Record<string, Reference>>> {
    const cached = this.referenceCache.get(datasetId);
    if (cached) return cached;
    let refs: Partial<Record<EvalSplit, Record<string, Reference>>> = {};
    try {
      const data = this.datasets.trainingData(datasetId);
      const of = (evaluated: typeof data.validation) => referenceScores({ task: data.task, labelNames: data.labelNames, train: data.train, evaluated });
      refs = { validation: of(data.validation), ...(data.test ? { test: of(data.test) } : {}) };
    } catch {
      // A task with no head (QA) has no runs to read against a reference.
    }
    this.referenceCache.set(datasetId, refs);
    return refs;
  }

  /** Which arm each run of a comparison is in: its loss for seeded comparisons, the stored arm for ad-hoc ones. */
  arms(id: string): Map<string, 'baseline' | 'comparative'> {
    const comparison = this.get(id);
    if (comparison.kind === 'adhoc') return new Map(this.repo.adhocAssignments(id).map((a) => [a.runId, a.arm]));
    return new Map(comparison.runIds.map((r) => [r, this.runs.get(r).loss]));
  }

  private refreshStatus(id: string): void {
    const detail = this.detail(id);
    if (detail.comparison.status !== 'running') return;
    if (!detail.runs.every((r) => TERMINAL_STATUSES.includes(r.status))) return;
    const statuses = new Set(detail.runs.map((r) => r.status));
    const status = statuses.has('interrupted')
      ? 'interrupted'
      : statuses.has('failed')
        ? 'failed'
        : statuses.has('cancelled')
          ? 'cancelled'
          : 'completed';
    const emit = () => this.events.emit('comparison.status', { comparisonId: id, status });
    if (!this.writes) {
      this.repo.setStatus(id, status);
      return emit();
    }
    this.writes.submit({ label: `storing comparison ${id}`, write: () => this.repo.setStatus(id, status), then: emit });
  }
}

/** The paired statistics of one metric, flattened for the wire, with the verdict sentence. */
export function rowStats(metric: string, baseline: Array<number | null>, comparative: Array<number | null>): ComparisonStats {
  // A fixed bootstrap seed: the same finished comparison always shows the same interval.
  const s = pairedStats(baseline, comparative, { seed: 1 });
  return {
    n: s.n,
    t: s.tTest.t,
    df: s.tTest.df,
    pT: s.tTest.p,
    wilcoxonW: s.wilcoxon.w,
    pWilcoxon: s.wilcoxon.p,
    ciLow: s.ci.low,
    ciHigh: s.ci.high,
    effectSize: s.effectSize,
    seedsNeeded: s.seedsNeeded.n,
    ...(s.tTest.reason ? { reason: s.tTest.reason } : {}),
    verdict: verdictText(metric, s),
  };
}

/** Per table row (comparison-metrics.ts): each arm's value per seed (seed order), arm means, and the mean paired difference. */
export function comparisonTable(seeds: number[], runs: RunSummary[], plan: readonly TableMetric[]): ComparisonTableRow[] {
  const value = (loss: RunSummary['loss'], seed: number, row: TableMetric): number | null =>
    rowValue(runs.find((r) => r.loss === loss && r.seed === seed && r.status === 'completed'), row);
  const rows = plan.map((row) => {
    const { metric } = row;
    const baseline = seeds.map((s) => value('baseline', s, row));
    const comparative = seeds.map((s) => value('comparative', s, row));
    const { baselineMean, comparativeMean, meanDifference } = completePairMeans(baseline, comparative);
    const stats = rowStats(metric, baseline, comparative);
    return { metric, baseline, comparative, baselineMean, comparativeMean, meanDifference, stats, ...rowEvidence(row, runs, stats, meanDifference) };
  });
  // A metric no run reported (MCC on regression, crop utility without crops) is left out, not shown empty.
  return rows.filter((r) => [...r.baseline, ...r.comparative].some((v) => v !== null));
}
