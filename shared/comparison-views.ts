// Which comparison views fit a dataset's task, and the words that say which split and which
// checkpoint a number is on. The renderer's tabs (renderer/components/comparison/ComparisonTabs.tsx)
// and the HTML report (main/services/report/html-report.ts) both read them, so the app and the
// report never disagree about what a number is.
import type { EvalSplit, Headline } from './schemas';
import type { DatasetTask } from './tasks';

/** How a task's predictions can be analysed: by class, as numbers, label by label, or as answer texts. */
export type AnalysisKind = 'single_label' | 'regression' | 'multilabel' | 'qa' | 'unsupported';

export function analysisKindOf(task: DatasetTask | undefined): AnalysisKind {
  switch (task ?? 'classification') {
    case 'classification':
    case 'pair_classification':
      return 'single_label';
    case 'regression':
      return 'regression';
    case 'multilabel':
      return 'multilabel';
    case 'qa':
      return 'qa';
    default:
      return 'unsupported';
  }
}

/** Validation metrics drawn as curves (and the first one against compute), per kind of task. */
export const CURVE_METRICS: Readonly<Record<AnalysisKind, readonly string[]>> = {
  single_label: ['accuracy', 'macro_f1', 'loss'],
  regression: ['pearson', 'spearman', 'mse', 'mae', 'loss'],
  multilabel: ['micro_f1', 'macro_f1', 'loss'],
  qa: ['f1', 'exact_match', 'loss'],
  unsupported: ['loss'],
};

/** Where no task rule applies: the headline metric of each task, in the order the levels are searched. */
const UTILITY_HEADLINE_METRICS = ['accuracy', 'pearson', 'micro_f1', 'macro_f1'];

/**
 * The metrics the neuronal-utility views draw, one chart per metric and ablation kind. Question
 * answering reads in F1 and exact match together, as SQuAD leaderboards print them; every other
 * task has one: its headline metric where the levels carry it, else the first they carry.
 */
export function utilityMetrics(kind: AnalysisKind, carried: (metric: string) => boolean, first: string | undefined): string[] {
  if (kind === 'qa') {
    const both = ['f1', 'exact_match'].filter(carried);
    if (both.length > 0) return both;
  }
  const metric = UTILITY_HEADLINE_METRICS.find(carried) ?? first;
  return metric === undefined ? [] : [metric];
}

export type ComparisonViewId = 'overview' | 'curves' | 'per-class' | 'confusion' | 'scatter' | 'examples' | 'utility' | 'compute' | 'live';

export interface ComparisonViewPlan {
  id: ComparisonViewId;
  label: string;
  /** Why this view has nothing to show for the task; absent when it applies. */
  notApplicable?: string;
}

const UNSUPPORTED = 'Comparo cannot train this task yet, so there are no predictions to analyse.';

export const NOT_APPLICABLE = {
  perClassRegression:
    'Regression predicts one number per example, so there are no classes to score. The Scatter view shows every prediction against its gold value.',
  confusionMultilabel:
    'A confusion matrix counts each example once: in the row of its one gold class and the column of its one predicted class. ' +
    'A multi-label example can carry several labels at once, or none, so there is no single cell to count it in. ' +
    'The Per label view scores each label on its own instead.',
  examplesMultilabel:
    'Multi-label predictions are stored only as a summary (the top-scoring label against the first gold label), which cannot say ' +
    'whether an example’s label set was right, so listing examples as fixed or broken from it would mislead. The Per label view shows where the arms differ.',
  perClassQa:
    'A reader predicts a span of text in the context (or “no answer”), not one of a fixed set of classes, so there are no classes to score. ' +
    'The Examples view shows each question the comparative run fixed or broke, with both arms’ answers marked in the context.',
  confusionQa:
    'A confusion matrix counts gold class against predicted class; an answer is a span of text, which has no class to count it under. ' +
    'The Examples view shows each question the comparative run fixed or broke, with both arms’ answers marked in the context.',
} as const;

/**
 * The tabs of a comparison of this task, in order. Every task has the same eight slots: the fourth
 * is the confusion matrix for class tasks and the predicted-vs-gold scatter for regression (its
 * counterpart: how predictions relate to the truth). A view that cannot apply keeps its tab and
 * says why, rather than being hidden: a tab that vanishes for one dataset reads as a bug, and the
 * reason is worth reading.
 */
export function comparisonViews(task: DatasetTask | undefined): ComparisonViewPlan[] {
  const kind = analysisKindOf(task);
  const na = (text: string | undefined) => (text ? { notApplicable: text } : {});
  const perClass: ComparisonViewPlan =
    kind === 'multilabel'
      ? { id: 'per-class', label: 'Per label' }
      : {
          id: 'per-class',
          label: 'Per class',
          ...na(kind === 'regression' ? NOT_APPLICABLE.perClassRegression : kind === 'qa' ? NOT_APPLICABLE.perClassQa : kind === 'unsupported' ? UNSUPPORTED : undefined),
        };
  const errors: ComparisonViewPlan =
    kind === 'regression'
      ? { id: 'scatter', label: 'Scatter' }
      : {
          id: 'confusion',
          label: 'Confusion',
          ...na(kind === 'multilabel' ? NOT_APPLICABLE.confusionMultilabel : kind === 'qa' ? NOT_APPLICABLE.confusionQa : kind === 'unsupported' ? UNSUPPORTED : undefined),
        };
  const examples: ComparisonViewPlan = {
    id: 'examples',
    label: 'Examples',
    ...na(kind === 'multilabel' ? NOT_APPLICABLE.examplesMultilabel : kind === 'unsupported' ? UNSUPPORTED : undefined),
  };
  return [
    { id: 'overview', label: 'Overview' },
    { id: 'curves', label: 'Curves' },
    perClass,
    errors,
    examples,
    { id: 'utility', label: 'Utility' },
    { id: 'compute', label: 'Compute' },
    { id: 'live', label: 'Live' },
  ];
}

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** What the results table and verdict are measured on, e.g. "on the held-out test split, 1,000 examples". */
export function headlineSplitText(headline: Headline | undefined): string {
  if (headline?.split === 'test') return `on the held-out test split, ${plural(headline.examples, 'example')}`;
  return 'on the validation split (used to select the checkpoint: optimistic)';
}

/** A longer sentence under the table heading: which checkpoint, and why a validation number is optimistic. */
export function headlineCheckpointText(headline: Headline | undefined): string {
  if (headline?.split === 'test') {
    return 'Each run’s selected checkpoint (best on the validation split), scored once on the test split after training; the validation numbers are listed below it.';
  }
  return 'Each run’s selected checkpoint (best on the validation split). The same split chose the checkpoint, so these numbers lean optimistic; a dataset with a test split gets held-out numbers.';
}

/** Which evaluation of each run the per-class, confusion, scatter and example views show. */
export interface ViewEvaluation {
  split: EvalSplit;
  /** Examples in that split. */
  examples: number;
  /** Runs that have such an evaluation (the views show these). */
  runs: number;
  /** Runs without one yet (still training, failed, or not scored on test): left out of these views. */
  missing: number;
}

export function viewEvaluationText(e: ViewEvaluation): string {
  const where =
    e.split === 'test'
      ? `On the held-out test split (${plural(e.examples, 'example')}), at each run’s selected checkpoint (best on validation), scored once after training.`
      : `On the validation split (${plural(e.examples, 'example')}), at each run’s selected checkpoint (best on validation so far). The same split chose the checkpoint, so this leans optimistic.`;
  const left = e.missing > 0 ? ` ${plural(e.missing, 'run')} without such an evaluation ${e.missing === 1 ? 'is' : 'are'} left out.` : '';
  return where + left;
}

/** Curves and compute: the whole training trajectory, which is validation by construction. */
export const TRAJECTORY_TEXT =
  'Training trajectory on the validation split: every evaluation during training (the numbers that select the checkpoint), not the held-out test split.';
/** Live: the optimizer's own numbers. */
export const LIVE_TEXT = 'Training trajectory on the training batches: the loss of every optimizer step, not a held-out number.';
/** Utility: measured once at the end, after the best weights are put back (main/training/trainer-callbacks.ts). */
export const UTILITY_TEXT = 'On the validation split, with each run’s selected checkpoint (best on validation, restored at the end of training).';
