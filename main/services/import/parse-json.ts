// Whole-document JSON: an array of records (pandas / Hugging Face `to_json(lines=False)`), an
// object holding one such array ({"data": [...]}, {"rows": [...]}), or SQuAD (data -> paragraphs
// -> qas), flattened to one record per question. JSON.parse does the parsing; a light scan of the
// text finds where each record starts, which JSON.parse cannot tell us, for file:line:column.
import { locateKeyValue, parseJsonLine } from './parse-jsonl';
import type { RawRecord, RawTable } from './raw-table';
import type { SourceText } from './source-text';

export type JsonShape = 'json' | 'squad';

const JSON_SYNTAX_NOT_SKIPPABLE = ' (skip bad rows cannot skip past this: a JSON document is read as one value, so a syntax error breaks all of it; fix it here, or save the data as JSON Lines, where each line stands alone)';

export function parseJsonDocument(source: SourceText): { table: RawTable; shape: JsonShape } {
  const text = source.text;
  // parseJsonLine reports a syntax error at its place; offset 0 because the "line" is the file.
  // Under "skip bad rows" only records with unusable values can be left out: a syntax error breaks
  // the whole document, so the refusal says why the option did not help.
  const document = parseJsonLine(source, text, 0, source.skipBadRows ? JSON_SYNTAX_NOT_SKIPPABLE : '');
  if (Array.isArray(document)) return { table: arrayTable(source, document, text.indexOf('[')), shape: 'json' };
  if (typeof document !== 'object' || document === null) {
    source.fail(text.search(/\S/), 'a JSON dataset must be an array of objects, an object holding one, or JSON Lines');
  }
  const object = document as Record<string, unknown>;
  if (isSquad(object)) return { table: squadTable(source, object.data as unknown[]), shape: 'squad' };
  const arrays = Object.entries(object).filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every(isPlainObject));
  if (arrays.length !== 1) {
    source.fail(text.search(/\S/), `expected an array of records, or an object with exactly one array of records (found ${arrays.length}: ${arrays.map(([k]) => `"${k}"`).join(', ') || 'none'})`);
  }
  const [key, records] = arrays[0];
  const keyAt = locateKeyValue(text, key, 0) ?? 0;
  return { table: arrayTable(source, records as unknown[], text.indexOf('[', keyAt)), shape: 'json' };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSquad(object: Record<string, unknown>): boolean {
  const data = object.data;
  return Array.isArray(data) && data.length > 0 && isPlainObject(data[0]) && Array.isArray((data[0] as Record<string, unknown>).paragraphs);
}

/** Start offsets of the elements of the array whose '[' is at `open`: a scan aware of strings only. */
export function elementOffsets(text: string, open: number): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let expectValue = false;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      if (expectValue && depth === 1) offsets.push(i);
      expectValue = false;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (expectValue && depth === 1 && c !== 93 /* ] */) offsets.push(i);
    expectValue = false;
    if (c === 91 || c === 123) {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (c === 93 || c === 125) {
      depth--;
      if (depth === 0) break;
    } else if (c === 44 /* , */ && depth === 1) expectValue = true;
  }
  return offsets;
}

function arrayTable(source: SourceText, values: unknown[], open: number): RawTable {
  const offsets = elementOffsets(source.text, open);
  const columns: string[] = [];
  const known = new Set<string>();
  const records: RawRecord[] = [];
  values.forEach((value, index) => {
    const start = offsets[index] ?? open;
    if (!isPlainObject(value)) {
      const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      if (source.reject(source.position(start), `each element must be a JSON object like {"text": ..., "label": ...}, found ${found}`)) return;
    }
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) if (!known.has(key)) (known.add(key), columns.push(key));
    const end = offsets[index + 1] ?? source.text.length;
    records.push(objectRecord(source, object, start, end));
  });
  if (records.length === 0) source.fail(open, 'the JSON array holds no records');
  return {
    columns,
    records,
    columnsPosition: source.position(offsets[0] ?? open),
    locateColumn: (column) => (records.find((r) => r.get(column) !== undefined) ?? records[0]).locate(column),
  };
}

function objectRecord(source: SourceText, object: Record<string, unknown>, start: number, end: number): RawRecord {
  return {
    line: source.position(start).line,
    get: (column) => (Object.hasOwn(object, column) ? object[column] : undefined),
    locate: (column) => source.position(locateKeyValue(source.text.slice(start, end), column, start) ?? start),
  };
}

/** One record per question: question, context, first answer (text and start) and the question id. */
function squadTable(source: SourceText, data: unknown[]): RawTable {
  const records: RawRecord[] = [];
  let searchFrom = 0;
  for (const article of data) {
    if (!isPlainObject(article) || !Array.isArray(article.paragraphs)) continue;
    for (const paragraph of article.paragraphs as unknown[]) {
      if (!isPlainObject(paragraph) || !Array.isArray(paragraph.qas)) continue;
      for (const qa of paragraph.qas as unknown[]) {
        if (!isPlainObject(qa)) continue;
        const answers = Array.isArray(qa.answers) ? (qa.answers as unknown[]).filter(isPlainObject) : [];
        const first = answers[0];
        // SQuAD 2.0 marks unanswerable questions; their answer is the empty string by convention.
        const answer = first ? first.text : qa.is_impossible === true ? '' : undefined;
        const record: Record<string, unknown> = {
          id: qa.id,
          question: qa.question,
          context: paragraph.context,
          answer,
          answer_start: first?.answer_start,
        };
        // Questions appear in document order, so the search for each id moves forward.
        const idAt = typeof qa.id === 'string' ? source.text.indexOf(JSON.stringify(qa.id), searchFrom) : -1;
        const start = idAt === -1 ? searchFrom : idAt;
        searchFrom = Math.max(searchFrom, start);
        const line = source.position(start);
        records.push({ line: line.line, get: (c) => (Object.hasOwn(record, c) ? record[c] : undefined), locate: () => line });
      }
    }
  }
  if (records.length === 0) source.fail(0, 'SQuAD file holds no questions (data[].paragraphs[].qas[])');
  return {
    columns: ['id', 'question', 'context', 'answer', 'answer_start'],
    records,
    columnsPosition: { line: 1, column: 1 },
    locateColumn: () => records[0].locate('id'),
  };
}
