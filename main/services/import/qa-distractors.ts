// Long-input question answering (import option qaDistractors: K): each question's context becomes
// its own paragraph plus K other distinct paragraphs of the same article, in a shuffled order,
// joined by blank lines (so main/training/crops.ts splitSegments sees paragraphs), its answers'
// starts shifted by what now precedes its paragraph. The model must find the answer in a passage
// several paragraphs long, where the other paragraphs are on the same topic.
//
// Which paragraphs may be drawn: a train question's only from train; a validation or test
// question's from its own split or train. A held-out paragraph never appears inside a training
// context, so the grouped split (./split.ts groupedHeldOutSplit) keeps its promise.
import { decodeQaAnswers, encodeQaAnswers } from '../../../shared/qa-answers';
import { mixSeed, mulberry32, shuffleInPlace } from '../../../shared/random';
import type { StoredSplit } from './assemble';

export const PARAGRAPH_SEPARATOR = '\n\n';

export interface DistractorRow {
  /** The question's own paragraph, replaced by the long context. */
  textPair?: string;
  /** Encoded answers (shared/qa-answers.ts), shifted with the paragraph. */
  label: string;
  split: StoredSplit;
  /** Seed of the draw; rows without one use file and line. */
  id?: string;
  /** The article; rows without one share their file's. */
  title?: string;
  file: string;
  line: number;
}

export interface DistractorOutcome {
  /** Questions whose article (within the paragraphs they may draw from) had fewer than K other paragraphs. */
  short: DistractorRow[];
  /** The fewest other paragraphs a short question got. */
  fewest: number;
}

/** Rewrites each row's textPair and label in place. */
export function addDistractors(rows: DistractorRow[], k: number): DistractorOutcome {
  // Distinct paragraphs per article and split, in order of first appearance.
  const pools = new Map<string, Map<StoredSplit, string[]>>();
  const seen = new Set<string>();
  const articleOf = (row: DistractorRow) => (row.title !== undefined ? `t\u0000${row.title}` : `f\u0000${row.file}`);
  for (const row of rows) {
    const article = articleOf(row);
    const key = `${article}\u0001${row.split}\u0001${row.textPair}`;
    if (row.textPair === undefined || seen.has(key)) continue;
    seen.add(key);
    const bySplit = pools.get(article) ?? new Map<StoredSplit, string[]>();
    pools.set(article, bySplit);
    bySplit.set(row.split, [...(bySplit.get(row.split) ?? []), row.textPair]);
  }
  const short: DistractorRow[] = [];
  let fewest = k;
  for (const row of rows) {
    const own = row.textPair;
    if (own === undefined) continue;
    const bySplit = pools.get(articleOf(row))!;
    const allowed = row.split === 'train' ? ['train' as const] : [row.split, 'train' as const];
    const candidates = [...new Set(allowed.flatMap((s) => bySplit.get(s) ?? []))].filter((p) => p !== own);
    const random = mulberry32(seedOf(row.id ?? `${row.file}:${row.line}`));
    const chosen = shuffleInPlace(candidates, random).slice(0, k);
    if (chosen.length < k) {
      short.push(row);
      fewest = Math.min(fewest, chosen.length);
    }
    const paragraphs = shuffleInPlace([own, ...chosen], random);
    const at = paragraphs.indexOf(own);
    const shift = paragraphs.slice(0, at).reduce((sum, p) => sum + p.length + PARAGRAPH_SEPARATOR.length, 0);
    const answers = decodeQaAnswers(row.label, own);
    row.textPair = paragraphs.join(PARAGRAPH_SEPARATOR);
    row.label = encodeQaAnswers({ text: answers.text, answer_start: answers.answer_start.map((s) => s + shift) });
  }
  return { short, fewest };
}

/** A 32-bit seed from a question id (FNV-1a, then mixed). */
function seedOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return mixSeed(h >>> 0, 0xd157);
}
