// Marks answer spans in a question-answering context: the gold answers and each arm's predicted
// span, cut into segments that each know which marks cover them, so the comparison's Examples view
// (renderer/components/comparison/QaExampleCard.tsx) and the HTML report
// (main/services/report/examples-section.ts) highlight the same characters. Positions are
// JavaScript string indices (UTF-16 code units), as shared/qa-answers.ts stores them. Pure TS.

export type SpanMark = 'gold' | 'baseline' | 'comparative';

export interface MarkedSpan {
  mark: SpanMark;
  start: number;
  /** Exclusive. */
  end: number;
}

export interface Segment {
  text: string;
  start: number;
  /** The marks covering every character of this segment, in SpanMark order. */
  marks: SpanMark[];
}

const MARK_ORDER: readonly SpanMark[] = ['gold', 'baseline', 'comparative'];

/**
 * The spans that can be drawn: gold answers whose start is known, and each arm's answer where it
 * starts. A span is clipped to the context; one that does not fit (a stale start) is dropped
 * rather than drawn over the wrong words.
 */
export function answerSpans(
  context: string,
  gold: { text: readonly string[]; answer_start: readonly number[] },
  arms: Partial<Record<'baseline' | 'comparative', { answer?: string; answerStart?: number }>>,
): MarkedSpan[] {
  const spans: MarkedSpan[] = [];
  const add = (mark: SpanMark, text: string, start: number | undefined) => {
    if (text === '' || start === undefined || start < 0 || start + text.length > context.length) return;
    spans.push({ mark, start, end: start + text.length });
  };
  gold.text.forEach((t, i) => add('gold', t, gold.answer_start[i]));
  for (const arm of ['baseline', 'comparative'] as const) add(arm, arms[arm]?.answer ?? '', arms[arm]?.answerStart);
  return spans;
}

/** `context[from, to)` cut at every span boundary; each piece lists the marks over it. */
export function markedSegments(context: string, spans: readonly MarkedSpan[], from = 0, to = context.length): Segment[] {
  const cuts = new Set([from, to]);
  for (const s of spans) for (const p of [s.start, s.end]) if (p > from && p < to) cuts.add(p);
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [start, end] = [points[i], points[i + 1]];
    const marks = MARK_ORDER.filter((m) => spans.some((s) => s.mark === m && s.start <= start && s.end >= end));
    out.push({ text: context.slice(start, end), start, marks });
  }
  return out;
}

export interface ContextWindow {
  from: number;
  to: number;
  /** True when the window leaves part of the context out (a reader can expand it). */
  clipped: boolean;
}

/**
 * The part of a long context worth reading first: every marked span plus `margin` characters
 * either side, widened to whole words. A context up to `whole` characters is shown entire; so is
 * one with no spans to centre on (every arm said "no answer" on an unanswerable question), up to
 * its first `whole` characters.
 */
export function contextWindow(context: string, spans: readonly MarkedSpan[], margin = 240, whole = 700): ContextWindow {
  if (context.length <= whole) return { from: 0, to: context.length, clipped: false };
  if (spans.length === 0) {
    const to = wordEnd(context, whole);
    return { from: 0, to, clipped: to < context.length };
  }
  const from = wordStart(context, Math.max(0, Math.min(...spans.map((s) => s.start)) - margin));
  const to = wordEnd(context, Math.min(context.length, Math.max(...spans.map((s) => s.end)) + margin));
  return { from, to, clipped: from > 0 || to < context.length };
}

/** Back to the start of the word at `i` (a window does not open mid-word). */
function wordStart(text: string, i: number): number {
  let p = i;
  while (p > 0 && !/\s/.test(text[p - 1])) p -= 1;
  return p;
}

function wordEnd(text: string, i: number): number {
  let p = i;
  while (p < text.length && !/\s/.test(text[p])) p += 1;
  return p;
}

/** How each mark is drawn, in words: the legend of the view and of the report (an arm's name comes from the comparison). */
export function markLegend(armLabels: { baseline: string; comparative: string }): Array<{ mark: SpanMark; text: string }> {
  return [
    { mark: 'gold', text: 'gold answer: shaded' },
    { mark: 'baseline', text: `${armLabels.baseline}’s answer: solid underline` },
    { mark: 'comparative', text: `${armLabels.comparative}’s answer: dashed line below` },
  ];
}
