// The parent link of a worker process (trainer, pretrainer), whichever way it was started: under
// child_process.fork (process.send / 'message') or under Electron's utilityProcess
// (process.parentPort), detected at run time so the workers never import electron. Exiting waits
// until every message sent so far is handed over, so a last 'done' is never lost.

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export interface ParentChannel<Out> {
  /** Resolves once this and every earlier message is handed to the channel. */
  send(message: Out): Promise<void>;
  /** Sends `message` (if any), waits for delivery, then exits with `code`; later calls do nothing. */
  finish(message: Out | null, code: number): Promise<void>;
  onMessage(listener: (raw: unknown) => void): void;
  /** The parent went away (fork only; a utilityProcess ends with its parent). */
  onDisconnect(listener: () => void): void;
}

export function parentChannel<Out>(): ParentChannel<Out> {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  let delivered: Promise<void> = Promise.resolve();
  let exiting = false;
  const send = (message: Out): Promise<void> => {
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
  };
  return {
    send,
    async finish(message, code) {
      if (exiting) return;
      exiting = true;
      if (message) void send(message);
      await delivered;
      // A short grace period lets a utilityProcess port flush before the process goes away.
      setTimeout(() => process.exit(code), parentPort ? 50 : 0);
    },
    onMessage(listener) {
      if (parentPort) parentPort.on('message', (event) => listener(event.data));
      else process.on('message', listener);
    },
    onDisconnect(listener) {
      if (!parentPort) process.on('disconnect', listener);
    },
  };
}
