// Truncation of one or two token sequences to a budget (maxLength minus the special tokens).
// @huggingface/tokenizers has no truncation, so this follows the Rust `tokenizers` rules that
// the fast Hugging Face tokenizers use, keeping the head of each sequence.

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

/**
 * `budget` is how many non-special tokens fit. longest_first takes tokens off the longer sequence
 * until both fit; when both must be cut, each gets half the budget, the longer one the odd token
 * (tokenizers' LongestFirst; on a tie the second sequence gets it).
 */
export function truncatePair(
  first: number[],
  second: number[] | undefined,
  budget: number,
  strategy: TruncationStrategy,
): [number[], number[] | undefined] {
  const total = first.length + (second?.length ?? 0);
  if (total <= budget) return [first, second];
  if (second === undefined) {
    if (strategy === 'only_second') throw new Error('truncation "only_second" needs a pair of texts');
    return [first.slice(0, budget), undefined];
  }
  if (strategy === 'only_first' || strategy === 'only_second') {
    const [cut, kept] = strategy === 'only_first' ? [first, second] : [second, first];
    const room = budget - kept.length;
    if (room < 0) {
      const which = strategy === 'only_first' ? 'second' : 'first';
      throw new Error(`truncation "${strategy}" cannot fit: the ${which} text alone has ${kept.length} tokens, more than the ${budget} allowed`);
    }
    return strategy === 'only_first' ? [cut.slice(0, room), kept] : [kept, cut.slice(0, room)];
  }
  const swap = first.length > second.length;
  const shorter = swap ? second.length : first.length;
  let keepShort = shorter;
  let keepLong = shorter > budget ? shorter : Math.max(shorter, budget - shorter);
  if (keepShort + keepLong > budget) {
    keepShort = Math.floor(budget / 2);
    keepLong = keepShort + (budget % 2);
  }
  const [keepFirst, keepSecond] = swap ? [keepLong, keepShort] : [keepShort, keepLong];
  return [first.slice(0, keepFirst), second.slice(0, keepSecond)];
}
