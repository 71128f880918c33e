// Entry point of a trainer process, forked or an Electron utilityProcess (process-channel.ts). Protocol: main/training/protocol.ts; every incoming message is parsed against
// it, and a malformed one is answered with 'error'. Exit 0 after 'done' or 'cancelled', 1 after 'error'.
import { checkParentMessage } from '../../shared/trainer-protocol';
import { selectBackend } from '../kernels/backends';
import { runTraining, TrainingControl } from './engine';
import { parentChannel } from './process-channel';
import type { ParentToTrainer, TrainerToParent } from './protocol';

const channel = parentChannel<TrainerToParent>();
const send = channel.send;
const finish = channel.finish;

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

channel.onMessage(handle);
// Forked with an IPC channel: if the parent goes away, nobody is listening; stop training.
channel.onDisconnect(() => {
  control.cancel();
  void finish(null, 0);
});
