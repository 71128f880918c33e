// The trainer process's whole interface: messages in, messages out. The trainer never touches the
// database; the run service turns these messages into rows and contract events.
import type { RunConfig } from '../../shared/schemas';

export interface LabelledTexts {
  texts: string[];
  /** Class index into `labelNames`. */
  labels: number[];
}

export interface TrainerStartMessage {
  type: 'start';
  runId: string;
  config: RunConfig;
  labelNames: string[];
  train: LabelledTexts;
  validation: LabelledTexts;
  /** Minimum ms between progress messages (samples in between are batched, never dropped). */
  progressIntervalMs: number;
}

export type ParentToTrainer = TrainerStartMessage | { type: 'cancel' } | { type: 'pause' } | { type: 'resume' };

export interface StepSample {
  step: number;
  epoch: number;
  loss: number;
  copyLosses: number[];
  cmpLoss: number | null;
}

export type TrainerToParent =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; step: number; totalSteps: number; epoch: number; elapsedMs: number; etaMs: number | null; samples: StepSample[] }
  | { type: 'eval'; step: number; epoch: number; metrics: Record<string, number> }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'done'; metrics: Record<string, number>; elapsedMs: number; msPerStep: number }
  | { type: 'cancelled' }
  | { type: 'error'; message: string };

/** How the run service reaches a trainer, whatever started it (child_process.fork or Electron's utilityProcess). */
export interface TrainerHandle {
  readonly pid: number | undefined;
  send(message: ParentToTrainer): void;
  onMessage(listener: (message: TrainerToParent) => void): void;
  /** Called once when the process is gone; `code` null when killed by a signal. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type TrainerLauncher = (runId: string) => TrainerHandle;
