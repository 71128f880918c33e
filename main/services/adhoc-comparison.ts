// Ad-hoc comparisons: any 2..20 finished runs from the history, grouped into two arms and laid
// out like a seeded comparison's table so every view (app, CLI, report) reads them the same way.
import { completePairMeans } from '../../shared/paired-stats';
import { AppError } from '../../shared/errors';
import type { ComparisonStats, ComparisonTableRow, LossKind, RunConfig, RunSummary } from '../../shared/schemas';
import { mean } from '../../shared/stats';
import { unpairedStats, unpairedVerdictText } from '../../shared/unpaired-stats';
import { TERMINAL_STATUSES } from '../db/runs-repo';
import { rowEvidence, rowValue, type TableMetric } from './comparison-metrics';
import { rowStats } from './comparison-service';

export interface ArmAssignment {
  runId: string;
  arm: LossKind;
  seed: number;
}

export interface AdhocPlan {
  assignments: ArmAssignment[];
  /** Set when both arms use the same loss and differ in other settings: what each arm is. */
  armLabels?: { baseline: string; comparative: string };
  /** The baseline arm's config (stored as the comparison's config). */
  config: RunConfig;
}

/** A run's config without the seed: runs with the same key belong to the same arm. */
/** Settings that do not change what a run learns (how many checkpoints stay on disk): never an arm. */
const STORAGE_ONLY: ReadonlyArray<keyof RunConfig> = ['keepCheckpoints'];

function armKey(config: RunConfig): string {
  const rest: Partial<RunConfig> = { ...config };
  delete rest.seed;
  for (const key of STORAGE_ONLY) delete rest[key];
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/** "dropout 0.2, epochs 3" — the settings in which `config` differs from `other`. */
function describeDifference(config: RunConfig, other: RunConfig): string {
  const parts: string[] = [];
  for (const key of Object.keys(config).sort() as Array<keyof RunConfig>) {
    if (key === 'seed' || STORAGE_ONLY.includes(key)) continue;
    const a = JSON.stringify(config[key]);
    if (a !== JSON.stringify(other[key])) parts.push(`${key} ${a.replace(/"/g, '')}`);
  }
  return `${config.loss} (${parts.join(', ') || 'same settings'})`;
}

/**
 * Groups runs into two arms: by loss when both losses are present (baseline vs comparative), else
 * by config (seed aside), the earlier-created group being the reference "baseline" slot. Refuses
 * what cannot be compared: unfinished runs, runs on different data, more than two kinds of run.
 */
export function planAdhoc(runs: readonly RunSummary[], datasetOf: (id: string) => { name: string; task: string }): AdhocPlan {
  const unfinished = runs.filter((r) => !TERMINAL_STATUSES.includes(r.status));
  if (unfinished.length > 0) {
    throw new AppError('conflict', `Run ${unfinished.map((r) => r.id).join(', ')} is still ${unfinished[0].status}; compare it once it has finished.`);
  }
  const hashes = [...new Set(runs.map((r) => r.dataHash))];
  if (hashes.length > 1) {
    const names = [...new Set(runs.map((r) => datasetOf(r.datasetId).name))];
    throw new AppError('invalid_request', `These runs trained on different datasets (${names.join(', ')}); an ad-hoc comparison needs runs on the same data.`);
  }
  const tasks = [...new Set(runs.map((r) => datasetOf(r.datasetId).task))];
  if (tasks.length > 1) throw new AppError('invalid_request', `These runs are of different tasks (${tasks.join(', ')}); compare runs of one task.`);
  const losses = new Set(runs.map((r) => r.loss));
  let groups: Array<{ arm: LossKind; runs: RunSummary[] }>;
  let armLabels: AdhocPlan['armLabels'];
  if (losses.size === 2) {
    groups = (['baseline', 'comparative'] as const).map((arm) => ({ arm, runs: runs.filter((r) => r.loss === arm) }));
  } else {
    const byKey = new Map<string, RunSummary[]>();
    const ordered = [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    for (const run of ordered) byKey.set(armKey(run.config), [...(byKey.get(armKey(run.config)) ?? []), run]);
    if (byKey.size !== 2) {
      throw new AppError(
        'invalid_request',
        byKey.size === 1
          ? 'All these runs use the same loss and settings, so there are no two arms to compare. Pick runs of both losses, or of two different settings.'
          : `These runs form ${byKey.size} different settings; an ad-hoc comparison needs exactly two arms (by loss, or by one setting that differs).`,
      );
    }
    const [first, second] = [...byKey.values()];
    groups = [
      { arm: 'baseline', runs: first },
      { arm: 'comparative', runs: second },
    ];
    armLabels = { baseline: describeDifference(first[0].config, second[0].config), comparative: describeDifference(second[0].config, first[0].config) };
  }
  const assignments = groups.flatMap((g) =>
    [...g.runs].sort((a, b) => a.seed - b.seed || a.createdAt.localeCompare(b.createdAt)).map((r) => ({ runId: r.id, arm: g.arm, seed: r.seed })),
  );
  const config = groups[0].runs[0].config;
  return armLabels ? { assignments, armLabels, config } : { assignments, config };
}

/** Arm descriptions when both arms use the same loss (they differ in some other setting). */
export function adhocArmLabels(assignments: readonly ArmAssignment[], runs: readonly RunSummary[]): AdhocPlan['armLabels'] {
  const first = (arm: LossKind) => runs.find((r) => assignments.some((a) => a.arm === arm && a.runId === r.id));
  const b = first('baseline');
  const c = first('comparative');
  if (!b || !c || b.loss !== c.loss) return undefined;
  return { baseline: describeDifference(b.config, c.config), comparative: describeDifference(c.config, b.config) };
}

/**
 * Columns of the table: one per seed when every seed has exactly one run in each arm (the runs
 * pair), else as many columns per seed as the larger arm has runs of that seed, cells left empty
 * where an arm has fewer. Returns the column seeds and each arm's run per column.
 */
export function layoutColumns(assignments: readonly ArmAssignment[]): { seeds: number[]; baseline: Array<string | null>; comparative: Array<string | null>; paired: boolean } {
  const seeds = [...new Set(assignments.map((a) => a.seed))].sort((a, b) => a - b);
  const out = { seeds: [] as number[], baseline: [] as Array<string | null>, comparative: [] as Array<string | null>, paired: true };
  for (const seed of seeds) {
    const b = assignments.filter((a) => a.seed === seed && a.arm === 'baseline').map((a) => a.runId);
    const c = assignments.filter((a) => a.seed === seed && a.arm === 'comparative').map((a) => a.runId);
    if (b.length !== 1 || c.length !== 1) out.paired = false;
    for (let i = 0; i < Math.max(b.length, c.length); i++) {
      out.seeds.push(seed);
      out.baseline.push(b[i] ?? null);
      out.comparative.push(c[i] ?? null);
    }
  }
  return out;
}

function unpairedRowStats(metric: string, baseline: Array<number | null>, comparative: Array<number | null>): ComparisonStats {
  const s = unpairedStats(baseline, comparative);
  return {
    n: s.nBaseline + s.nComparative,
    t: s.welch.t,
    df: s.welch.df,
    pT: s.welch.p,
    wilcoxonW: null,
    pWilcoxon: null,
    ciLow: null,
    ciHigh: null,
    effectSize: s.effectSize,
    seedsNeeded: null,
    ...(s.welch.reason ? { reason: s.welch.reason } : {}),
    verdict: unpairedVerdictText(metric, s),
    test: 'unpaired',
    mannWhitneyU: s.mannWhitney.u,
    pMannWhitney: s.mannWhitney.p,
  };
}

/** The metric table of an ad-hoc comparison: paired statistics when the runs pair by seed, unpaired otherwise. */
export function adhocTable(assignments: readonly ArmAssignment[], runs: readonly RunSummary[], plan: readonly TableMetric[]): { seeds: number[]; rows: ComparisonTableRow[] } {
  const layout = layoutColumns(assignments);
  const byId = new Map(runs.map((r) => [r.id, r]));
  const value = (runId: string | null, row: TableMetric): number | null => rowValue(runId ? byId.get(runId) : undefined, row);
  const rows = plan.map((row) => {
    const { metric } = row;
    const baseline = layout.baseline.map((id) => value(id, row));
    const comparative = layout.comparative.map((id) => value(id, row));
    const present = (xs: Array<number | null>) => xs.filter((v): v is number => v !== null);
    // Paired: means over the complete pairs only, the same runs as the difference. Unpaired: every
    // finished run, and the difference of the arm means (there are no per-seed differences).
    const unpairedMeans = () => {
      const b = mean(present(baseline));
      const c = mean(present(comparative));
      return { baselineMean: b, comparativeMean: c, meanDifference: b !== null && c !== null ? c - b : null };
    };
    const { baselineMean, comparativeMean, meanDifference } = layout.paired ? completePairMeans(baseline, comparative) : unpairedMeans();
    const stats = layout.paired ? { ...rowStats(metric, baseline, comparative), test: 'paired' as const } : unpairedRowStats(metric, baseline, comparative);
    return { metric, baseline, comparative, baselineMean, comparativeMean, meanDifference, stats, ...rowEvidence(row, runs, stats, meanDifference) };
  });
  return { seeds: layout.seeds, rows: rows.filter((r) => [...r.baseline, ...r.comparative].some((v) => v !== null)) };
}
