// Reads the JSON files of a model folder (config.json, tokenizer.json, ...). A malformed file is
// reported as bad input at file:line:column, so the person can open it at the broken spot.
import { readFile } from 'node:fs/promises';
import { AppError } from '../../shared/errors';

/** Line and column (both from 1) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 says "... in JSON at position 123" (or "... is not valid JSON" at the end of the text).
    const offset = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
    const { line, column } = lineAndColumn(text, offset);
    throw new AppError('bad_input', `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, { file, line, column });
  }
}

export async function readJsonFile(file: string): Promise<unknown> {
  return parseJsonText(await readFile(file, 'utf8'), file);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
