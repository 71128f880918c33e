// The trainer process's whole interface: messages in, messages out. The trainer never touches the
// database; the run service turns these messages into rows and contract events.
import type { RunConfig, Task } from '../../shared/schemas';

export interface LabelledTexts {
  texts: string[];
  /** Classification: class index into `labelNames`; regression: the target value; multilabel: unused (0). */
  labels: number[];
  /** Multilabel only: indices (into `labelNames`) of the labels that apply to each example. */
  labelSets?: number[][];
  /** Pair tasks: the second text of each example (null where a row has none; JSON over IPC has no undefined). */
  textPairs?: (string | null)[];
  /**
   * CmpCrop: per example, indices of the segments (splitSegments in main/training/crops.ts:
   * paragraphs when the text has blank lines, else sentences) that no crop may remove.
   */
  requiredSegments?: number[][];
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
  /** Default 'classification'. */
  task?: Task;
  /** Folder for this run's checkpoints (null: none written). */
  checkpointDir?: string | null;
  /** Checkpoint file to continue from (written by an earlier trainer of the same run). */
  resumeFrom?: string | null;
}

export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** One validation example's outcome; `index` is its position in the start message's validation set. */
export interface ExamplePrediction {
  index: number;
  predicted: number;
  gold: number;
  /** Probability the model gave its prediction (classification) or |error| (regression). */
  confidence: number;
}

export interface UtilityLevel {
  k: number;
  /** Dropout rate 1-(1-p)^k (drop) or share of segments kept (crop). */
  rate: number;
  /** Metrics averaged over draws, e.g. accuracy, macro_f1, loss. */
  metrics: Record<string, number>;
}

export type ParentToTrainer = TrainerStartMessage | { type: 'cancel' } | { type: 'pause' } | { type: 'resume' };

export interface StepSample {
  step: number;
  epoch: number;
  loss: number;
  copyLosses: number[];
  cmpLoss: number | null;
  /** Learning rate used at this step and the global gradient norm before clipping. */
  lr?: number;
  gradNorm?: number;
}

export type TrainerToParent =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; step: number; totalSteps: number; epoch: number; elapsedMs: number; etaMs: number | null; samples: StepSample[] }
  | {
      type: 'eval';
      step: number;
      epoch: number;
      metrics: Record<string, number>;
      perClass?: ClassScores[];
      /** confusion[gold][predicted] counts. */
      confusion?: number[][];
      predictions?: ExamplePrediction[];
      /** True when this evaluation is the best so far on config.selectionMetric. */
      best?: boolean;
      /** Wall-clock ms spent in optimizer steps up to this evaluation (setup and evaluations excluded; kept across resume). */
      trainingMs?: number;
    }
  | { type: 'checkpoint'; step: number; epoch: number; path: string }
  /** Neuronal utility of the final model: metric per ablation level, and the share of examples some ablated copy beats. */
  | { type: 'utility'; kind: 'drop' | 'crop'; levels: UtilityLevel[]; beatenShare: number }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'done'; metrics: Record<string, number>; elapsedMs: number; msPerStep: number; stoppedEarly?: boolean; bestStep?: number }
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
