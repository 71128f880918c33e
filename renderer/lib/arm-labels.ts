// What to call a comparison's two arms. A seeded comparison (or an ad-hoc one across both losses)
// is baseline vs comparative loss; an ad-hoc comparison of runs with one loss differs in another
// setting, and the services send what each arm is ("baseline (dropout 0.3)"), which must be shown
// instead, or the page would claim a loss comparison that never happened.
import type { ComparisonDetail, ComparisonSummary, LossKind, RunSummary } from '../../shared/schemas';

export interface ArmNames {
  baseline: string;
  comparative: string;
  /** True when the arms are the two losses (the words "baseline"/"comparative loss" are right). */
  byLoss: boolean;
}

export const LOSS_ARMS: ArmNames = { baseline: 'baseline', comparative: 'comparative', byLoss: true };

export function armNames(comparison: Pick<ComparisonSummary, 'armLabels'>): ArmNames {
  const labels = comparison.armLabels;
  return labels ? { baseline: labels.baseline, comparative: labels.comparative, byLoss: false } : LOSS_ARMS;
}

/** Which arm a run is in: the ad-hoc assignment where the services sent one, else its loss. */
export function armOfRun(detail: Pick<ComparisonDetail, 'runArms'>): (run: Pick<RunSummary, 'id' | 'loss'>) => LossKind {
  const arms = detail.runArms;
  return (run) => arms?.[run.id] ?? run.loss;
}

/** The view's title: "Baseline vs comparative loss", or the two arms' descriptions. */
export function comparisonTitle(arms: ArmNames): string {
  return arms.byLoss ? 'Baseline vs comparative loss' : `${arms.baseline} vs ${arms.comparative}`;
}

/** Capitalised for column headers ("Baseline", "Baseline (dropout 0.3)"). */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
