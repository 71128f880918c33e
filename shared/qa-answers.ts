// How a question-answering row keeps its reference answers in the database's label column: the
// JSON of Hugging Face's `answers` field, {"text": [...], "answer_start": [...]}, every reference
// answer with its start in the context (JavaScript string indices, UTF-16 code units, the unit
// String.slice uses). Empty lists: unanswerable (SQuAD 2.0). Written by the importer
// (main/services/import/qa-answer-cell.ts), read by main/services/training-data.ts. Pure TS.

export interface QaAnswers {
  text: string[];
  /** Where each answer starts in the context, in UTF-16 code units; answer_start[i] belongs to text[i]. */
  answer_start: number[];
}

/** The stored label: keys in this order, so equal answers give equal labels. */
export function encodeQaAnswers(answers: QaAnswers): string {
  return JSON.stringify({ text: answers.text, answer_start: answers.answer_start });
}

/**
 * The answers a stored label holds. Datasets imported before every answer was kept stored only the
 * first answer's text (and '' for an unanswerable question); such a label decodes to that one text,
 * located at its FIRST occurrence in `context` when one is given. Without a context its start is
 * unknown and given as -1; a context that does not contain the text is an Error.
 */
export function decodeQaAnswers(label: string, context?: string): QaAnswers {
  const stored = parseStored(label);
  if (stored) return stored;
  if (label === '') return { text: [], answer_start: [] };
  if (context === undefined) return { text: [label], answer_start: [-1] };
  const start = context.indexOf(label);
  if (start === -1) throw new Error(`the answer ${JSON.stringify(label.slice(0, 60))} is not in its context`);
  return { text: [label], answer_start: [start] };
}

/** True for a label in the stored shape (not a legacy first-answer text). */
export function isEncodedQaAnswers(label: string): boolean {
  return parseStored(label) !== undefined;
}

function parseStored(label: string): QaAnswers | undefined {
  if (!label.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(label);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { text, answer_start } = value as { text?: unknown; answer_start?: unknown };
  if (!Array.isArray(text) || !Array.isArray(answer_start) || text.length !== answer_start.length) return undefined;
  if (!text.every((t) => typeof t === 'string') || !answer_start.every((s) => Number.isInteger(s) && s >= 0)) return undefined;
  return { text: text as string[], answer_start: answer_start as number[] };
}
