// Entry point of a trainer process. Runs under child_process.fork (process.send / 'message') and
// under Electron's utilityProcess (process.parentPort), detected at runtime so this file never
// imports electron. Protocol: main/training/protocol.ts; every incoming message is parsed against
// it, and a malformed one is answered with 'error'. Exit 0 after 'done' or 'cancelled', 1 after 'error'.
import { checkParentMessage } from '../../shared/trainer-protocol';
import { selectBackend } from '../kernels/backends';
import { runTraining, TrainingControl } from './engine';
import type { ParentToTrainer, TrainerToParent } from './protocol';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

// Every message sent so far, in order: exiting waits for it so no message (e.g. 'done') is lost.
let delivered: Promise<void> = Promise.resolve();

function send(message: TrainerToParent): Promise<void> {
  if (parentPort) {
    parentPort.postMessage(message);
    return delivered;
  }
  const sent = new Promise<void>((resolve) => {
    if (!process.send || !process.connected) return resolve();
    // The callback fires once the message is handed to the IPC channel.
    process.send(message, undefined, undefined, () => resolve());
  });
  delivered = delivered.then(() => sent);
  return delivered;
}

let exiting = false;

async function finish(message: TrainerToParent | null, code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  if (message) void send(message);
  await delivered;
  // A short grace period lets a utilityProcess port flush before the process goes away.
  setTimeout(() => process.exit(code), parentPort ? 50 : 0);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

const control = new TrainingControl();
let started = false;

async function start(message: Extract<ParentToTrainer, { type: 'start' }>): Promise<void> {
  if (started) return;
  started = true;
  try {
    const backend = await selectBackend(message.config.backend);
    await send({ type: 'ready', backend });
    // runTraining emits 'done' or 'cancelled' itself; either way the process is finished.
    await runTraining(message, { emit: (m) => void send(m), control });
    await finish(null, 0);
  } catch (error) {
    await finish({ type: 'error', message: describeError(error) }, 1);
  }
}

function handle(raw: unknown): void {
  const checked = checkParentMessage(raw);
  if (!checked.ok) {
    // Training on a half-understood request could store wrong results; stop and say why.
    void finish({ type: 'error', message: checked.problem }, 1);
    return;
  }
  const message = checked.message;
  switch (message.type) {
    case 'start':
      void start(message);
      break;
    case 'cancel':
      // Before 'start' there is nothing to stop: report and leave.
      if (!started) void finish({ type: 'cancelled' }, 0);
      else control.cancel();
      break;
    case 'pause':
      control.pause();
      break;
    case 'resume':
      control.resume();
      break;
  }
}

process.on('uncaughtException', (error) => void finish({ type: 'error', message: describeError(error) }, 1));
process.on('unhandledRejection', (reason) => void finish({ type: 'error', message: describeError(reason) }, 1));

if (parentPort) {
  parentPort.on('message', (event) => handle(event.data));
} else {
  process.on('message', handle);
  // Forked with an IPC channel: if the parent goes away, nobody is listening; stop training.
  process.on('disconnect', () => {
    control.cancel();
    void finish(null, 0);
  });
}
