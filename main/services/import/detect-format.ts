// Which parser reads a file: the extension when it is one we know, checked against the content
// (a .json file may be JSON Lines or one document; a .csv from European Excel uses ';').
import type { SourceText } from './source-text';

export type DatasetFormat = 'csv' | 'tsv' | 'jsonl' | 'json' | 'squad' | 'parquet';

const FORMAT_BY_EXTENSION: Record<string, 'csv' | 'tsv' | 'jsonl' | 'json'> = {
  csv: 'csv',
  txt: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'json',
};

/** Delimiters people actually use, in order of preference on a tie. */
const DELIMITERS = [',', '\t', ';', '|'];

export interface DetectedFormat {
  format: 'csv' | 'tsv' | 'jsonl' | 'json';
  delimiter: string;
}

export function isParquet(fileName: string, bytes?: Uint8Array): boolean {
  if (/\.parquet$/i.test(fileName)) return true;
  // "PAR1" magic at the start of every Parquet file.
  return bytes !== undefined && bytes.length >= 8 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}

export function detectFormat(source: SourceText): DetectedFormat {
  const extension = /\.([^./\\]+)$/.exec(source.fileName)?.[1]?.toLowerCase();
  const known = extension === undefined ? undefined : FORMAT_BY_EXTENSION[extension];
  const firstCharOffset = source.text.search(/\S/);
  const firstChar = firstCharOffset === -1 ? '' : source.text[firstCharOffset];

  if (known === 'json' || known === 'jsonl' || (known === undefined && (firstChar === '{' || firstChar === '['))) {
    // JSON Lines has a complete object on its first line; one document does not (or is an array).
    if (firstChar === '[') return { format: 'json', delimiter: '' };
    return { format: firstLineIsObject(source.text, firstCharOffset) ? 'jsonl' : 'json', delimiter: '' };
  }
  const delimiter = sniffDelimiter(source.text.slice(Math.max(0, firstCharOffset)), known === 'tsv' ? '\t' : known === 'csv' ? ',' : undefined);
  return { format: delimiter === '\t' ? 'tsv' : 'csv', delimiter };
}

function firstLineIsObject(text: string, start: number): boolean {
  const end = text.indexOf('\n', start);
  const line = text.slice(start, end === -1 ? text.length : end).trim();
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return false;
    // A one-line file is one record unless it holds arrays of records ({"data": [...]}, SQuAD).
    if (end === -1 || text.slice(end).trim() === '') return !Object.values(value).some((v) => Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null));
    return true;
  } catch {
    return false;
  }
}

/**
 * The header row names the columns, so the delimiter that splits it most (outside quotes) is the
 * one; the extension's delimiter wins whenever it appears in the header at all.
 */
export function sniffDelimiter(text: string, preferred: string | undefined): string {
  const end = text.indexOf('\n');
  const header = text.slice(0, end === -1 ? Math.min(text.length, 65536) : end);
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  if (preferred !== undefined && (counts.get(preferred) ?? 0) > 0) return preferred;
  let best = preferred ?? ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}
