// Label names as people write them vary in ways that are never meaningful: spaces, "1.0" for 1,
// "Positive" beside "positive". Left alone, each variant would become a class of its own.
/** Each label normalised; case variants merge into the spelling used most often (ties: first seen). */
export function normaliseLabels(labels: string[]): string[] {
  const cleaned = labels.map(cleanLabel);
  const spellings = new Map<string, Map<string, number>>();
  for (const label of cleaned) {
    const key = label.toLowerCase();
    const counts = spellings.get(key) ?? new Map<string, number>();
    counts.set(label, (counts.get(label) ?? 0) + 1);
    spellings.set(key, counts);
  }
  const canonical = new Map<string, string>();
  for (const [key, counts] of spellings) {
    let best = '';
    let bestCount = -1;
    for (const [spelling, count] of counts) if (count > bestCount) (best = spelling), (bestCount = count);
    canonical.set(key, best);
  }
  return cleaned.map((label) => canonical.get(label.toLowerCase()) ?? label);
}

export function cleanLabel(label: string): string {
  const trimmed = label.trim().replace(/\s+/g, ' ');
  // "1.0", "01" and "1" are the same class id; only plain decimal numbers are rewritten. Through
  // BigInt, not Number: 9007199254740993 is a different class from 9007199254740992, which a
  // double cannot tell apart.
  const integer = /^([-+]?\d+)(\.0+)?$/.exec(trimmed);
  if (integer) return String(BigInt(integer[1]));
  return trimmed;
}
