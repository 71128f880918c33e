// A trainer handle the test drives by hand: it records the start message and lets the test send
// any trainer message or exit, so the run service's bookkeeping is tested without a real process.
import type { TrainerHandle, TrainerLauncher, TrainerStartMessage, TrainerToParent } from '../../main/training/protocol';

export class ScriptedTrainer implements TrainerHandle {
  readonly pid = 12345;
  started: TrainerStartMessage | null = null;
  private onMsg: (m: TrainerToParent) => void = () => {};
  private onEnd: (code: number | null, signal: string | null) => void = () => {};
  send(m: { type: string }): void {
    if (m.type === 'start') this.started = m as TrainerStartMessage;
  }
  onMessage(l: (m: TrainerToParent) => void): void {
    this.onMsg = l;
  }
  onExit(l: (code: number | null, signal: string | null) => void): void {
    this.onEnd = l;
  }
  kill(): void {
    this.exit(null, 'SIGKILL');
  }
  say(m: TrainerToParent): void {
    this.onMsg(m);
  }
  exit(code: number | null, signal: string | null): void {
    this.onEnd(code, signal);
  }
}

/** A launcher that hands out a new ScriptedTrainer per run, collected in `trainers` in launch order. */
export function scriptedLauncher(trainers: ScriptedTrainer[]): TrainerLauncher {
  return () => {
    const t = new ScriptedTrainer();
    trainers.push(t);
    return t;
  };
}
