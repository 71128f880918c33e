// Metric names as people read them ("Macro F1", "Validation accuracy"), the same in the app,
// the CLI table and the HTML report.
import { baseMetric } from './verdict';

export function metricLabel(metric: string): string {
  const known: Record<string, string> = {
    accuracy: 'Accuracy',
    macro_f1: 'Macro F1',
    micro_f1: 'Micro F1',
    mcc: 'Matthews correlation',
    pearson: 'Pearson r',
    spearman: 'Spearman ρ',
    utility_drop_beaten_share: 'Beaten by a dropout copy',
    utility_crop_beaten_share: 'Beaten by a cropped copy',
    loss: 'Loss',
    mse: 'Mean squared error',
    mae: 'Mean absolute error',
    ms_per_step: 'Wall time per step',
    cpu_ms_per_step: 'CPU time per step',
    concurrent_trainers: 'Trainers running at once',
    flops_per_step: 'FLOPs per step',
    elapsed_ms: 'Training time',
    // Question answering (the official SQuAD script's numbers).
    exact_match: 'Exact match',
    f1: 'F1 (answer tokens)',
    has_answer_exact_match: 'Exact match, answerable questions',
    has_answer_f1: 'F1, answerable questions',
    no_answer_exact_match: 'Exact match, unanswerable questions',
    no_answer_f1: 'F1, unanswerable questions',
    no_answer_threshold: 'No-answer threshold',
  };
  const base = baseMetric(metric);
  const label = known[base] ?? base.replace(/_/g, ' ');
  // A row named after its split (below a test headline, the validation numbers).
  if (base !== metric) return `${metric.startsWith('test_') ? 'Test' : 'Validation'} ${label.charAt(0).toLowerCase()}${label.slice(1)}`;
  return label;
}
