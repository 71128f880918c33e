// Where a value sits in a JSON text, by path (keys and array indices): JSON.parse gives values but
// no offsets, and a SQuAD problem (data[0].paragraphs[3].qas[1].answers[0].answer_start) is only
// useful to a person as file:line:column. A scan aware of strings and nesting, iterative so deep
// nesting cannot overflow the stack. The text is assumed to be valid JSON (JSON.parse read it).

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** The first non-space offset at or after `i`. */
export function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The offset just after the JSON value that starts at `i`. */
export function skipJsonValue(text: string, i: number): number {
  let depth = 0;
  do {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      i++;
    } else if (c === 91 || c === 123) {
      depth++;
      i++;
    } else if (c === 93 || c === 125) {
      depth--;
      i++;
    } else if (depth > 0) i++;
    else {
      // A number or literal at the top level: up to the next delimiter.
      while (i < text.length && !/[\s,\]}:]/.test(text[i])) i++;
    }
  } while (depth > 0 && i < text.length);
  return i;
}

/** Value offsets of the object at `open` ('{'), by key; a repeated key keeps its last value, as JSON.parse does. */
export function memberOffsets(text: string, open: number): Map<string, number> {
  const members = new Map<string, number>();
  let i = skipSpace(text, open + 1);
  while (i < text.length && text.charCodeAt(i) === 34) {
    const keyEnd = skipJsonValue(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const value = skipSpace(text, skipSpace(text, keyEnd) + 1); // past the ':'
    members.set(key, value);
    i = skipSpace(text, skipJsonValue(text, value));
    if (text.charCodeAt(i) === 44 /* , */) i = skipSpace(text, i + 1);
  }
  return members;
}

/** Element offsets of the array at `open` ('['). */
export function arrayElementOffsets(text: string, open: number): number[] {
  const elements: number[] = [];
  let i = skipSpace(text, open + 1);
  while (i < text.length && text.charCodeAt(i) !== 93) {
    elements.push(i);
    i = skipSpace(text, skipJsonValue(text, i));
    if (text.charCodeAt(i) === 44) i = skipSpace(text, i + 1);
  }
  return elements;
}

/**
 * The offset of the value at `path` below the value starting at `start`; where the path leaves the
 * text (a key that is missing), the offset of the deepest value that exists.
 */
export function locateJsonPath(text: string, start: number, path: readonly (string | number)[]): number {
  let at = skipSpace(text, start);
  for (const part of path) {
    const c = text.charCodeAt(at);
    const next = typeof part === 'number' ? (c === 91 ? arrayElementOffsets(text, at)[part] : undefined) : c === 123 ? memberOffsets(text, at).get(part) : undefined;
    if (next === undefined) return at;
    at = next;
  }
  return at;
}
