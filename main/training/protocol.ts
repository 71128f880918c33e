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
  /** A trainer on a remote worker (main/remote/remote-trainer.ts): the job that runs it, and where. */
  readonly remote?: { jobId: string; queue: string };
  /**
   * Remote trainers only: stop following the job and leave it training (the app closes; a later
   * Comparo on the same queue follows it again). No exit is reported after it.
   */
  detach?(): void;
}

export type TrainerLauncher = (runId: string) => TrainerHandle;

/** What a re-attached trainer's history already holds, so the job's stream is replayed from its start without storing anything twice. */
export interface StoredProgress {
  /** Highest step with a stored training sample (-1: none). */
  lastSampleStep: number;
  /** `split:step` of every stored evaluation. */
  evaluations: string[];
  /** Step of the stored checkpoint (null: none). */
  checkpointStep: number | null;
}

/** A queue placement that can follow a job started by an earlier Comparo process (main/remote/queue-placement.ts). */
export interface RemoteAttacher {
  /** The queue's URL, password hidden: what runs.remote_queue holds. */
  readonly queue: string;
  /** Whether the queue still knows the job (it may have expired while nobody followed it). */
  hasJob(jobId: string): Promise<boolean>;
  attach(runId: string, jobId: string, checkpointDir: string, stored: StoredProgress): TrainerHandle;
}
