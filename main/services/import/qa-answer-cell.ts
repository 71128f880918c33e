// A question-answering row's answers cell, read in every spelling people export, into the stored
// label (shared/qa-answers.ts: every reference answer with its start in the context, UTF-16):
//   {"text": ["x", ...], "answer_start": [3, ...]}   Hugging Face's squad / squad_v2 field
//   [{"text": "x", "answer_start": 3}, ...]           SQuAD's own list of answer objects
//   "x", ["x", "y"], {"text": ["x"]}                  text alone: located in the context
//   [] or {"text": [], "answer_start": []}            unanswerable (SQuAD 2.0)
// A CSV cell (or any string) that holds such JSON is read as JSON. answer_start counts code points
// first (files made in Python, SQuAD's and Hugging Face's own) and JavaScript string indices
// second; the two differ only after an emoji or other astral character. Text alone must occur
// exactly once in the context: not found, or found twice (ambiguous), is refused at the cell.
import { codePointToUtf16Index } from '../../../shared/squad-format';
import { encodeQaAnswers, type QaAnswers } from '../../../shared/qa-answers';
import type { RawRecord } from './raw-table';
import type { SourceText } from './source-text';

interface RawAnswer {
  text: unknown;
  start?: unknown;
}

/** The stored label of the record's answers, or undefined when the row was skipped (a problem without skipBadRows throws). */
export function readQaAnswerCell(source: SourceText, record: RawRecord, column: string, context: string): string | undefined {
  const fail = (message: string): undefined => {
    source.reject(record.locate(column), message);
    return undefined;
  };
  const value = asJson(record.get(column));
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return fail(`missing answers: "${column}" is ${value === undefined ? 'absent' : value === null ? 'null' : 'empty'} (an unanswerable question has an empty list: [] or {"text": [], "answer_start": []})`);
  }
  const listed = answerList(value);
  if (typeof listed === 'string') return fail(`answers in "${column}" ${listed}`);
  const answers: QaAnswers = { text: [], answer_start: [] };
  for (const { text, start } of listed) {
    if (typeof text !== 'string' && typeof text !== 'number') return fail(`every answer text in "${column}" must be a string, found ${describe(text)}`);
    const answer = String(text);
    if (answer.trim() === '') return fail(`an answer in "${column}" is empty text (an unanswerable question has an empty list of answers instead)`);
    const shown = JSON.stringify(answer.length > 60 ? `${answer.slice(0, 60)}…` : answer);
    let at: number;
    if (start === undefined || start === null) {
      at = context.indexOf(answer);
      if (at === -1) return fail(`answer ${shown} not found in the context`);
      const again = context.indexOf(answer, at + 1);
      if (again !== -1) return fail(`answer ${shown} occurs more than once in the context (at characters ${at} and ${again}), so which one is meant is ambiguous: give its answer_start`);
    } else {
      if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) return fail(`answer_start of ${shown} in "${column}" must be a character position (an integer from 0), found ${describe(start)}`);
      const found = startOf(context, answer, start);
      if (found === undefined) return fail(`answer ${shown} is not at character ${start} of the context (found ${JSON.stringify(context.slice(start, start + answer.length))})`);
      at = found;
    }
    answers.text.push(answer);
    answers.answer_start.push(at);
  }
  return encodeQaAnswers(answers);
}

/** A string holding a JSON object or array (a CSV cell) as that JSON; anything else as it is. */
function asJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value; // text that merely starts with a bracket ("[citation needed]") is an answer text
  }
}

/** The answers as (text, start?) pairs, or why the value is not answers. */
function answerList(value: unknown): RawAnswer[] | string {
  if (typeof value === 'string' || typeof value === 'number') return [{ text: value }];
  if (Array.isArray(value)) {
    const answers: RawAnswer[] = [];
    for (const item of value) {
      if (typeof item === 'string' || typeof item === 'number') answers.push({ text: item });
      else if (isObject(item) && 'text' in item) answers.push({ text: item.text, start: item.answer_start });
      else return `must be a list of answer texts or of {"text", "answer_start"} objects, found ${describe(item)} in the list`;
    }
    return answers;
  }
  if (!isObject(value) || !('text' in value)) return `must be answer text, a list of answers, or {"text": [...], "answer_start": [...]}; found ${describe(value)}`;
  const { text, answer_start: start } = value;
  if (!Array.isArray(text)) return [{ text, start }];
  if (start === undefined || start === null) return text.map((t) => ({ text: t }));
  if (!Array.isArray(start) || start.length !== text.length) {
    return `have ${text.length} text(s) but ${Array.isArray(start) ? start.length : describe(start)} answer_start value(s): give one start per text, or none to locate the texts`;
  }
  return text.map((t, i) => ({ text: t, start: start[i] }));
}

/** The UTF-16 start of `answer` given `start` in code points, else in UTF-16; undefined when neither fits. */
function startOf(context: string, answer: string, start: number): number | undefined {
  const byCodePoints = codePointToUtf16Index(context, start);
  if (byCodePoints >= 0 && context.startsWith(answer, byCodePoints)) return byCodePoints;
  return context.startsWith(answer, start) ? start : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'a JSON object' : `a ${typeof value} (${JSON.stringify(value)})`;
}
