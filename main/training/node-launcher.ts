// Launches trainers as plain Node child processes (CLI, browser mode, tests). Electron uses
// main/app/utility-launcher.ts instead; both speak main/training/protocol.ts.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ParentToTrainer, TrainerHandle, TrainerLauncher, TrainerToParent } from './protocol';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * A process entry next to this file ('trainer-process', 'pretrain-process'): the built .js when
 * there is one, otherwise the TypeScript source, which then needs tsx loaded into the child.
 */
export function processEntry(name: string): { entry: string; execArgv: string[] } {
  const built = path.join(here, `${name}.js`);
  if (existsSync(built)) return { entry: built, execArgv: [] };
  // Resolved to an absolute URL so the child finds tsx whatever its working directory.
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { entry: path.join(here, `${name}.ts`), execArgv: ['--import', tsxLoader] };
}

const defaultEntry = () => processEntry('trainer-process');

export interface ForkLauncherOptions {
  /** Path of the trainer entry; defaults to trainer-process.(js|ts) beside this module. */
  entry?: string;
  execArgv?: string[];
}

function handleFor(child: ChildProcess): TrainerHandle {
  let exit: { code: number | null; signal: string | null } | null = null;
  child.once('exit', (code, signal) => {
    exit = { code, signal };
  });
  // A failed spawn emits 'error' (and may never emit 'exit'); without a listener it would throw.
  child.on('error', () => undefined);
  return {
    get pid() {
      return child.pid;
    },
    send(message: ParentToTrainer) {
      if (exit === null && child.connected) child.send(message);
    },
    onMessage(listener: (message: TrainerToParent) => void) {
      child.on('message', (message) => listener(message as TrainerToParent));
    },
    onExit(listener: (code: number | null, signal: string | null) => void) {
      if (exit !== null) listener(exit.code, exit.signal);
      else child.once('exit', (code, signal) => listener(code, signal));
    },
    kill() {
      // A hard kill; a graceful stop is the 'cancel' message.
      if (exit === null) child.kill('SIGKILL');
    },
  };
}

export function createForkTrainerLauncher(options: ForkLauncherOptions = {}): TrainerLauncher {
  return (runId: string): TrainerHandle => {
    const fallback = options.entry ? null : defaultEntry();
    const entry = options.entry ?? fallback!.entry;
    const execArgv = options.execArgv ?? fallback?.execArgv ?? [];
    const child = fork(entry, [runId], {
      execArgv,
      serialization: 'advanced',
      // stdout/stderr go to the parent's: the trainer writes nothing to stdout by design, and
      // stderr carries crash traces worth seeing.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return handleFor(child);
  };
}

export const forkTrainerLauncher: TrainerLauncher = createForkTrainerLauncher();
