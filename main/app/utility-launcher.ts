// Trainers run in Electron utility processes (a Node process Chromium supervises, like VS Code's
// utility processes): named for the task manager and crash reports, stdout/stderr relayed with a
// prefix, spoken to only through main/training/protocol.ts messages.
import { createInterface } from 'node:readline';
import { app, utilityProcess } from 'electron';
import type { TrainerHandle, TrainerLauncher, TrainerToParent } from '../training/protocol';

export const TRAINER_SERVICE_NAME = 'Comparo trainer';

/** `entryPath`: the built trainer entry (out/main/trainer.js), next to the built main entry. */
export function createUtilityTrainerLauncher(entryPath: string): TrainerLauncher {
  return (runId: string): TrainerHandle => {
    const child = utilityProcess.fork(entryPath, [], { serviceName: TRAINER_SERVICE_NAME, stdio: 'pipe' });
    // Piped output must be read, or a chatty trainer blocks on a full pipe.
    for (const [stream, sink] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      if (stream) createInterface({ input: stream }).on('line', (line) => sink.write(`[trainer ${runId}] ${line}\n`));
    }
    let exitCode: number | undefined;
    child.once('exit', (code) => {
      exitCode = code;
    });
    child.on('error', (type, location) => console.error(`comparo: trainer ${runId}: ${type} at ${location}`));
    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (exitCode === undefined) child.postMessage(message);
      },
      onMessage(listener) {
        child.on('message', (message: unknown) => listener(message as TrainerToParent));
      },
      onExit(listener) {
        if (exitCode !== undefined) listener(exitCode, null);
        else child.once('exit', (code) => listener(code, null));
      },
      kill() {
        child.kill();
      },
    };
  };
}

/** Logs trainer processes that die abnormally (crash, OOM, killed by the OS). */
export function watchTrainerCrashes(): void {
  app.on('child-process-gone', (_event, details) => {
    if (details.type !== 'Utility') return;
    if (details.name !== TRAINER_SERVICE_NAME && details.serviceName !== TRAINER_SERVICE_NAME) return;
    console.error(`comparo: a trainer process is gone (${details.reason}, exit code ${details.exitCode})`);
  });
}
