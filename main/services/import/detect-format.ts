// Which parser reads a file: the extension decides when it is one we know; otherwise the content.
import type { SourceText } from './source-text';

export type DatasetFormat = 'csv' | 'tsv' | 'jsonl';

const FORMAT_BY_EXTENSION: Record<string, DatasetFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  // A .json file is accepted only when it is in fact JSON Lines; parseJsonLines reports otherwise.
  json: 'jsonl',
};

export function detectFormat(source: SourceText): DatasetFormat {
  const extension = /\.([^./\\]+)$/.exec(source.fileName)?.[1]?.toLowerCase();
  const firstCharOffset = source.text.search(/\S/);
  const firstChar = firstCharOffset === -1 ? '' : source.text[firstCharOffset];

  const known = extension === undefined ? undefined : FORMAT_BY_EXTENSION[extension];
  if (firstChar === '[' && (known === 'jsonl' || known === undefined)) {
    source.fail(firstCharOffset, 'this is a JSON array; Comparo reads JSON Lines: one object per line, like {"text": "...", "label": "..."}, without the enclosing [ ]');
  }
  if (known) return known;
  if (firstChar === '{') return 'jsonl';

  // The header line says which delimiter separates the column names.
  const firstLine = source.text.slice(Math.max(0, firstCharOffset)).split('\n', 1)[0];
  const tabs = firstLine.split('\t').length - 1;
  const commas = firstLine.split(',').length - 1;
  return tabs > 0 && tabs >= commas ? 'tsv' : 'csv';
}

/** Extra words for JSON Lines errors in a .json file, where the likelier mistake is plain JSON. */
export function jsonLinesHint(fileName: string): string {
  return /\.json$/i.test(fileName) ? ' (a .json dataset must be JSON Lines: one complete object per line)' : '';
}
