// JSON.parse reads every number as a double, so the labels 9007199254740992 and 9007199254740993
// (2^53, 2^53 + 1) would arrive as one number and merge into one class. Node 20 has no access to
// a number's source text in JSON.parse, so a line whose parse holds such an integer is parsed
// again with those integers quoted: they arrive as their exact digits, as a CSV cell would.

/** JSON.parse, with integers beyond 2^53 kept as their digits (only lines holding one pay for it). */
export function parseJsonExact(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return holdsUnsafeInteger(value, 0) ? JSON.parse(quoteUnsafeIntegers(text)) : value;
}

/** A shallow look (records, their values, lists of labels): deep structures are not labels anyway. */
function holdsUnsafeInteger(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (depth > 3 || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsUnsafeInteger(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) if (holdsUnsafeInteger((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/** The text with unsafe integer literals (outside strings) quoted; the same text when it has none. */
export function quoteUnsafeIntegers(text: string): string {
  // Cheap test first: an unsafe integer has at least 16 digits in a row.
  if (!/\d{16}/.test(text)) return text;
  let out = '';
  let copied = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < n && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      continue;
    }
    const digit = c >= 48 && c <= 57;
    if (!(digit || c === 45 /* - */)) continue;
    // A number token: -?digits, then maybe a fraction or an exponent (then it is not an integer).
    let j = i + (c === 45 ? 1 : 0);
    while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    const next = j < n ? text.charCodeAt(j) : -1;
    const isInteger = next !== 46 /* . */ && next !== 101 && next !== 69; /* e E */
    let end = j;
    if (!isInteger) while (end < n && /[0-9.eE+-]/.test(text[end])) end++;
    const token = text.slice(i, j);
    if (isInteger && j - i >= 16 && /^-?[1-9]/.test(token) && !Number.isSafeInteger(Number(token))) {
      out += text.slice(copied, i) + `"${token}"`;
      copied = j;
    }
    i = end - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
