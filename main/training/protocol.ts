// The trainer process's whole interface: messages in, messages out. The trainer never touches the
// database; the run service turns these messages into rows and contract events. The messages are
// zod schemas in shared/trainer-protocol.ts (both ends parse what they receive); this file
// re-exports their types and adds the handle both launchers return.
export type {
  ClassScores,
  EvalMessage,
  ExamplePrediction,
  LabelledTexts,
  ParentToTrainer,
  StepSample,
  TrainerStartMessage,
  TrainerToParent,
  UtilityLevel,
} from '../../shared/trainer-protocol';
import type { ParentToTrainer, TrainerToParent } from '../../shared/trainer-protocol';

/** How the run service reaches a trainer, whatever started it (child_process.fork or Electron's utilityProcess). */
export interface TrainerHandle {
  readonly pid: number | undefined;
  send(message: ParentToTrainer): void;
  /** Messages as they arrive, cast, not validated: the run service parses each (shared/trainer-protocol.ts). */
  onMessage(listener: (message: TrainerToParent) => void): void;
  /** Called once when the process is gone; `code` null when killed by a signal. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type TrainerLauncher = (runId: string) => TrainerHandle;
