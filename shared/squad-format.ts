// Reading SQuAD v1.1 / v2.0 JSON (data[].paragraphs[].qas[]) into flat question rows, in the shape
// Hugging Face's `squad` / `squad_v2` datasets give (answers: { text[], answer_start[] }). Bad input
// names the JSON path of the field at fault (`data[0].paragraphs[3].qas[1].answers[0].answer_start`),
// which the importer can turn into file:line:column.
//
// answer_start in a SQuAD file counts Unicode code points (the data was made in Python); the rows
// carry JavaScript string indices (UTF-16 code units) instead, the unit main/tasks/qa-features.ts
// and String.slice use. The two differ only after an astral character (emoji and the like).

export interface SquadRow {
  id: string;
  title: string;
  question: string;
  context: string;
  /** Reference answers; answer_start in JavaScript string indices. Empty when unanswerable. */
  answers: { text: string[]; answer_start: number[] };
  isImpossible: boolean;
}

export class SquadFormatError extends Error {
  constructor(
    /** Where in the JSON: keys and array indices from the root. */
    readonly path: readonly (string | number)[],
    readonly problem: string,
  ) {
    super(`${formatJsonPath(path)}: ${problem}`);
    this.name = 'SquadFormatError';
  }
}

/** data[0].paragraphs[3].qas[1] */
export function formatJsonPath(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('') || '(root)';
}

/** The UTF-16 index of code point `codePoints` of `text`, or -1 when the text is shorter. */
export function codePointToUtf16Index(text: string, codePoints: number): number {
  let index = 0;
  for (let seen = 0; seen < codePoints; seen += 1) {
    if (index >= text.length) return -1;
    const code = text.codePointAt(index)!;
    index += code > 0xffff ? 2 : 1;
  }
  return index;
}

type Json = unknown;
const isObject = (value: Json): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);
const describe = (value: Json): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 40))}` : `${typeof value} ${String(value)}`);

function field<T>(parent: Record<string, Json>, key: string, path: (string | number)[], check: (v: Json) => v is T, expected: string): T {
  const value = parent[key];
  if (!check(value)) throw new SquadFormatError([...path, key], value === undefined ? `missing; expected ${expected}` : `expected ${expected}, got ${describe(value)}`);
  return value;
}
const isString = (v: Json): v is string => typeof v === 'string';
const isArray = (v: Json): v is Json[] => Array.isArray(v);
const isCount = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The question rows of a parsed SQuAD JSON document, in file order. */
export function parseSquadJson(document: Json): SquadRow[] {
  if (!isObject(document)) throw new SquadFormatError([], `expected a SQuAD object with "data", got ${describe(document)}`);
  const data = field(document, 'data', [], isArray, 'an array of articles');
  const rows: SquadRow[] = [];
  const seen = new Map<string, string>();
  data.forEach((article, a) => {
    const articlePath = ['data', a];
    if (!isObject(article)) throw new SquadFormatError(articlePath, `expected an article object, got ${describe(article)}`);
    const title = article.title === undefined ? '' : field(article, 'title', articlePath, isString, 'a string');
    field(article, 'paragraphs', articlePath, isArray, 'an array of paragraphs').forEach((paragraph, p) => {
      const paragraphPath = [...articlePath, 'paragraphs', p];
      if (!isObject(paragraph)) throw new SquadFormatError(paragraphPath, `expected a paragraph object, got ${describe(paragraph)}`);
      const context = field(paragraph, 'context', paragraphPath, isString, 'the passage text');
      field(paragraph, 'qas', paragraphPath, isArray, 'an array of questions').forEach((qa, q) => {
        const qaPath = [...paragraphPath, 'qas', q];
        const row = readSquadQuestion(qa, context, title, qaPath);
        const earlier = seen.get(row.id);
        if (earlier) throw new SquadFormatError([...qaPath, 'id'], `duplicate id ${JSON.stringify(row.id)} (first at ${earlier})`);
        seen.set(row.id, formatJsonPath(qaPath));
        rows.push(row);
      });
    });
  });
  return rows;
}

/**
 * One question object (data[a].paragraphs[p].qas[q], at `qaPath`) of the paragraph `context`, every
 * answer checked to be where its answer_start says. Throws SquadFormatError naming the field at
 * fault; main/services/import/parse-json.ts calls it per question, so that "skip bad rows" can
 * leave out one question instead of the file.
 */
export function readSquadQuestion(qa: Json, context: string, title: string, qaPath: (string | number)[]): SquadRow {
  if (!isObject(qa)) throw new SquadFormatError(qaPath, `expected a question object, got ${describe(qa)}`);
  const id = field(qa, 'id', qaPath, isString, 'a string id');
  const question = field(qa, 'question', qaPath, isString, 'the question text');
  const isImpossible = qa.is_impossible === undefined ? false : field(qa, 'is_impossible', qaPath, (v): v is boolean => typeof v === 'boolean', 'true or false');
  const answers = field(qa, 'answers', qaPath, isArray, 'an array of answers');
  if (isImpossible && answers.length > 0) throw new SquadFormatError([...qaPath, 'answers'], 'is_impossible is true, so answers must be empty');
  if (!isImpossible && answers.length === 0) throw new SquadFormatError([...qaPath, 'answers'], 'no answers, but is_impossible is not true');
  const row: SquadRow = { id, title, question, context, answers: { text: [], answer_start: [] }, isImpossible };
  answers.forEach((answer, n) => {
    const answerPath = [...qaPath, 'answers', n];
    if (!isObject(answer)) throw new SquadFormatError(answerPath, `expected {text, answer_start}, got ${describe(answer)}`);
    const text = field(answer, 'text', answerPath, isString, 'the answer text');
    const start = field(answer, 'answer_start', answerPath, isCount, 'a character position (an integer from 0)');
    const at = codePointToUtf16Index(context, start);
    if (at < 0 || context.slice(at, at + text.length) !== text) {
      const found = at < 0 ? `the context has only ${[...context].length} characters` : `found ${JSON.stringify(context.slice(at, at + text.length))}`;
      throw new SquadFormatError([...answerPath, 'answer_start'], `the answer ${JSON.stringify(text)} is not at character ${start} of the context (${found})`);
    }
    row.answers.text.push(text);
    row.answers.answer_start.push(at);
  });
  return row;
}
