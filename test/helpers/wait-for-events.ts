// Waits until `test` passes, re-checking whenever one of the named contract events arrives (and
// once at the start), so integration tests follow real trainer processes without sleeping.
import type { Services } from '../../main/services';
import type { EventName } from '../../shared/contract';

export function until(services: Services, names: EventName[], test: () => Promise<boolean>, timeoutMs = 100_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error('timed out waiting'))), timeoutMs);
    const check = () =>
      test().then((done) => {
        if (done) {
          clearTimeout(timer);
          off();
          resolve();
        }
      }, reject);
    const off = services.onEvent((n) => names.includes(n) && void check());
    void check();
  });
}

/**
 * Re-checks `test` every `intervalMs` until it returns a value (not undefined), failing after
 * `timeoutMs` with `what`: for state another process changes, where no event reaches this one.
 */
export async function pollFor<T>(what: string, test: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await test();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
