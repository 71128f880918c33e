// One-line explanations of the method's words, shown on hover in the app (title attributes) and
// listed in docs/glossary.md (a test keeps the two the same). The method itself: docs/method.md.
export const GLOSSARY = {
  'comparative loss':
    'Trains the full model together with ablated copies of itself and penalises every pair in which a more-ablated copy does better on an example than a less-ablated one.',
  'ablated copy': 'A copy of the model run with more dropout (or a shorter input); it should do worse than the full model.',
  C: 'How many ablated copies each step trains beside the full model (l1 … lC).',
  CmpDrop: 'Ablated copies made with nested dropout: copy k drops units at rate 1 − (1 − p)^k.',
  CmpCrop: 'Ablated copies made by cropping sentences (or paragraphs) off the input text.',
  target: 'The detached dummy loss appended after the most-ablated copy: ultra is 0 (the default), best the lowest copy loss, first between the full model and the best copy.',
  temperature: 'Scales the loss differences the comparative term ranks; the paper uses 1.',
  'neuronal utility': 'How much the model loses when its own units are dropped or its input cropped; the method aims to make every unit count.',
  'beaten by a dropout copy': 'Share of examples on which some dropout copy of the finished model scores better than the model itself (lower is better).',
  'beaten by a cropped copy': 'Share of examples on which some cropped input scores better than the full input (lower is better).',
  'learned nothing': 'The score of a model that learned nothing from the texts: always the most frequent training class, or the training mean for regression.',
  'no evidence': 'The paired test over seeds did not find a difference (p ≥ 0.05): the sign of the mean alone is not a result.',
  'not compared': 'A cost row that is context, not a result: FLOPs per step follow from the settings, and wall time is not comparable when the runs shared the cores (compare CPU time).',
  'complete seed pair': 'A seed on which both the baseline and the comparative run finished; means, differences and statistics use only these.',
  'selected checkpoint': 'The step at which a run scored best on the validation split; every table and report number is from it.',
  'held-out test split': 'Examples never trained on nor used to select the checkpoint; scored once, at the end.',
} as const;

export type GlossaryTerm = keyof typeof GLOSSARY;

/** The explanation of a metric row's method term, when it has one (for a title attribute). */
export function metricExplanation(metric: string): string | undefined {
  const base = metric.replace(/^(validation|test)_/, '');
  if (base === 'utility_drop_beaten_share') return GLOSSARY['beaten by a dropout copy'];
  if (base === 'utility_crop_beaten_share') return GLOSSARY['beaten by a cropped copy'];
  return undefined;
}
