// How the CLI's commands wait: until `done` holds, checked again on every run or comparison
// status event of the services (not on a timer), so a command ends as soon as its runs do.
import type { Services } from '../services';

export function waitFor(services: Services, done: () => Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => done().then((d) => d && (off(), resolve()), reject);
    const off = services.onEvent((name) => {
      if (name === 'run.status' || name === 'comparison.status') void check();
    });
    void check();
  });
}
