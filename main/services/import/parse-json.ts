// Whole-document JSON: an array of records (pandas / Hugging Face `to_json(lines=False)`), an
// object holding one such array ({"data": [...]}, {"rows": [...]}), or SQuAD (data -> paragraphs
// -> qas), flattened to one record per question. JSON.parse does the parsing; a light scan of the
// text finds where each record starts, which JSON.parse cannot tell us, for file:line:column.
import { formatJsonPath, readSquadQuestion, SquadFormatError } from '../../../shared/squad-format';
import { arrayElementOffsets, locateJsonPath } from './json-locate';
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
  if (isSquad(object)) return { table: squadTable(source, object.data as unknown[], locateJsonPath(text, text.search(/\S/), ['data'])), shape: 'squad' };
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

/**
 * One record per question: id, title (the article's), question, context (the paragraph's) and
 * answers, every reference answer in Hugging Face's shape ({text: [...], answer_start: [...]}, the
 * starts as the file counts them: code points). Each question is checked by shared/squad-format.ts
 * (answers where their answer_start says, is_impossible agreeing with the answers); a problem is
 * refused at its own file:line:column (an answer_start that misses its answer: at that number), or
 * under "skip bad rows" that question (or paragraph, or article) is left out and listed.
 */
function squadTable(source: SourceText, data: unknown[], dataOpen: number): RawTable {
  const text = source.text;
  const records: RawRecord[] = [];
  const seen = new Map<string, string>();
  const articleOffsets = arrayElementOffsets(text, dataOpen);
  const refuse = (offset: number, error: unknown): void => {
    if (!(error instanceof SquadFormatError)) throw error;
    source.reject(source.position(offset), error.message);
  };
  data.forEach((article, a) => {
    const articleAt = articleOffsets[a] ?? dataOpen;
    const articlePath = ['data', a];
    if (!isPlainObject(article)) return refuse(articleAt, new SquadFormatError(articlePath, 'expected an article object with "paragraphs"'));
    if (article.title !== undefined && typeof article.title !== 'string') return refuse(locateJsonPath(text, articleAt, ['title']), new SquadFormatError([...articlePath, 'title'], 'expected a string'));
    const title = (article.title as string | undefined) ?? '';
    if (!Array.isArray(article.paragraphs)) return refuse(locateJsonPath(text, articleAt, ['paragraphs']), new SquadFormatError([...articlePath, 'paragraphs'], 'expected an array of paragraphs'));
    const paragraphsAt = locateJsonPath(text, articleAt, ['paragraphs']);
    const paragraphOffsets = arrayElementOffsets(text, paragraphsAt);
    (article.paragraphs as unknown[]).forEach((paragraph, p) => {
      const paragraphAt = paragraphOffsets[p] ?? paragraphsAt;
      const paragraphPath = [...articlePath, 'paragraphs', p];
      if (!isPlainObject(paragraph)) return refuse(paragraphAt, new SquadFormatError(paragraphPath, 'expected a paragraph object with "context" and "qas"'));
      if (typeof paragraph.context !== 'string') return refuse(locateJsonPath(text, paragraphAt, ['context']), new SquadFormatError([...paragraphPath, 'context'], paragraph.context === undefined ? 'missing; expected the passage text' : 'expected the passage text (a string)'));
      if (!Array.isArray(paragraph.qas)) return refuse(locateJsonPath(text, paragraphAt, ['qas']), new SquadFormatError([...paragraphPath, 'qas'], paragraph.qas === undefined ? 'missing; expected an array of questions' : 'expected an array of questions'));
      const context = paragraph.context;
      const qasAt = locateJsonPath(text, paragraphAt, ['qas']);
      const qaOffsets = arrayElementOffsets(text, qasAt);
      (paragraph.qas as unknown[]).forEach((qa, q) => {
        const qaAt = qaOffsets[q] ?? qasAt;
        const qaPath = [...paragraphPath, 'qas', q];
        try {
          readSquadQuestion(qa, context, title, qaPath);
        } catch (error) {
          // The path below the question names the field at fault; point at it in the file.
          return refuse(error instanceof SquadFormatError ? locateJsonPath(text, qaAt, error.path.slice(qaPath.length)) : qaAt, error);
        }
        const object = qa as Record<string, unknown>;
        const id = object.id as string;
        const earlier = seen.get(id);
        if (earlier) return refuse(locateJsonPath(text, qaAt, ['id']), new SquadFormatError([...qaPath, 'id'], `duplicate id ${JSON.stringify(id)} (first at ${earlier})`));
        seen.set(id, formatJsonPath(qaPath));
        const answers = (object.answers as Array<{ text: string; answer_start: number }>);
        const record: Record<string, unknown> = {
          id,
          title,
          question: object.question,
          context,
          answers: { text: answers.map((x) => x.text), answer_start: answers.map((x) => x.answer_start) },
        };
        const position = source.position(qaAt);
        records.push({
          line: position.line,
          get: (c) => (Object.hasOwn(record, c) ? record[c] : undefined),
          locate: (c) => source.position(locateJsonPath(text, qaAt, [c === 'context' || c === 'title' ? 'id' : c])),
        });
      });
    });
  });
  if (records.length === 0) source.fail(dataOpen, 'SQuAD file holds no usable questions (data[].paragraphs[].qas[])');
  return {
    columns: [...SQUAD_COLUMNS],
    records,
    columnsPosition: source.position(dataOpen),
    locateColumn: () => records[0].locate('id'),
  };
}

/** The columns of a SQuAD file's records, as Hugging Face's squad_v2 names them. */
export const SQUAD_COLUMNS = ['id', 'title', 'question', 'context', 'answers'] as const;
