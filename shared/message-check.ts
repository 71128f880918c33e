// Parsing a message that crossed a process boundary: either the typed message or a sentence a
// person can act on, naming the message type and the fields that were wrong. Used by both child
// protocols (shared/trainer-protocol.ts, shared/predictor-protocol.ts). Pure zod.
import type { z } from 'zod';

export type Checked<T> = { ok: true; message: T } | { ok: false; problem: string };

/** `metrics.accuracy`, `samples[0].loss`: a field's path as code would write it. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`), '');
}

/** `path: what is wrong` for the first few issues, so a person sees which field broke. */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => `${issue.path.length ? formatPath(issue.path) : '(message)'}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return shown.join('; ') + more;
}

/** `'eval'` for a message with a string type, else `untyped`. */
export function messageTypeOf(raw: unknown): string {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? `'${type}'` : 'untyped';
}

/** `sender`: who sent it, as the problem sentence names it ("trainer", "predictor", ...). */
export function checkMessage<T>(schema: z.ZodType<T>, raw: unknown, sender: string): Checked<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, problem: `The ${sender} sent an invalid ${messageTypeOf(raw)} message: ${describeIssues(parsed.error)}.` };
}
