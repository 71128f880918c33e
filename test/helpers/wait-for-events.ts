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
