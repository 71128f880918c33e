// Starts a pretraining process (pretrain-process.ts) as a plain Node child and speaks
// shared/pretrain-protocol.ts with it; every message it sends is validated here, and one that is
// not understood stops it rather than being guessed at.
import { fork } from 'node:child_process';
import { checkPretrainerMessage, type PretrainerToParent, type PretrainStart } from '../../shared/pretrain-protocol';
import { processEntry } from './node-launcher';

export type PretrainOutcome = Extract<PretrainerToParent, { type: 'done' | 'cancelled' | 'interrupted' | 'error' }>;

export interface PretrainHandle {
  /** Stops and discards the run. */
  cancel(): void;
  /** Stops after writing a checkpoint, so the run can be resumed. */
  interrupt(): void;
  /** Called once with the last word (an exit without one becomes an error). */
  onFinished(listener: (outcome: PretrainOutcome) => void): void;
  onMessage(listener: (message: PretrainerToParent) => void): void;
}

export type PretrainLauncher = (start: PretrainStart) => PretrainHandle;

/** `entry`: a built pretrain-process.js (Electron: out/main/pretrainer.js); default beside this file. */
export const forkPretrainer = (builtEntry?: string): PretrainLauncher => (start) => {
  const { entry, execArgv } = builtEntry ? { entry: builtEntry, execArgv: [] } : processEntry('pretrain-process');
  const child = fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const listeners: ((message: PretrainerToParent) => void)[] = [];
  const finished: Parameters<PretrainHandle['onFinished']>[0][] = [];
  let outcome: PretrainOutcome | null = null;
  child.on('message', (raw) => {
    const checked = checkPretrainerMessage(raw);
    if (!checked.ok) {
      outcome ??= { type: 'error', message: checked.problem };
      child.kill('SIGKILL');
      return;
    }
    const message = checked.message;
    if (message.type === 'done' || message.type === 'cancelled' || message.type === 'interrupted' || message.type === 'error') outcome ??= message;
    for (const listener of listeners) listener(message);
  });
  child.on('error', (error) => {
    outcome ??= { type: 'error', message: `the pretraining process could not start: ${error.message}` };
  });
  child.once('exit', (code, signal) => {
    const last = outcome ?? { type: 'error' as const, message: `the pretraining process exited (${signal ?? `code ${code}`}) without a result` };
    for (const listener of finished) listener(last);
  });
  child.send(start);
  return {
    cancel: () => {
      if (child.connected) child.send({ type: 'cancel' });
    },
    interrupt: () => {
      if (child.connected) child.send({ type: 'interrupt' });
    },
    onMessage: (listener) => void listeners.push(listener),
    onFinished: (listener) => void finished.push(listener),
  };
};
