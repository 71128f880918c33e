// Starts a pretraining process (pretrain-process.ts) as a plain Node child and speaks
// shared/pretrain-protocol.ts with it; every message it sends is validated here, and one that is
// not understood stops it rather than being guessed at.
import { fork } from 'node:child_process';
import { checkPretrainerMessage, type PretrainerToParent, type PretrainStart } from '../../shared/pretrain-protocol';
import { processEntry } from './node-launcher';

export interface PretrainHandle {
  cancel(): void;
  /** Called once with the last word: done, cancelled or error (an exit without one becomes an error). */
  onFinished(listener: (outcome: Extract<PretrainerToParent, { type: 'done' | 'cancelled' | 'error' }>) => void): void;
  onMessage(listener: (message: PretrainerToParent) => void): void;
}

export type PretrainLauncher = (start: PretrainStart) => PretrainHandle;

export const forkPretrainer: PretrainLauncher = (start) => {
  const { entry, execArgv } = processEntry('pretrain-process');
  const child = fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const listeners: ((message: PretrainerToParent) => void)[] = [];
  const finished: Parameters<PretrainHandle['onFinished']>[0][] = [];
  let outcome: Extract<PretrainerToParent, { type: 'done' | 'cancelled' | 'error' }> | null = null;
  child.on('message', (raw) => {
    const checked = checkPretrainerMessage(raw);
    if (!checked.ok) {
      outcome ??= { type: 'error', message: checked.problem };
      child.kill('SIGKILL');
      return;
    }
    const message = checked.message;
    if (message.type === 'done' || message.type === 'cancelled' || message.type === 'error') outcome ??= message;
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
    onMessage: (listener) => void listeners.push(listener),
    onFinished: (listener) => void finished.push(listener),
  };
};
