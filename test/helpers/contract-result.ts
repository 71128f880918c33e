// A contract reply's value, or a thrown error with its code and message: tests assert on values,
// and a failure should say what the services answered.
import type { Result } from '../../shared/errors';

export function value<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}
