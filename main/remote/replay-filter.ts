// After a worker dies, BullMQ retries its job elsewhere from the last checkpoint that reached the
// app, and the new trainer reports again the steps and evaluations between that checkpoint and the
// crash. Training is deterministic for a seed and backend, so those repeats carry the same numbers;
// this filter passes each step's samples, each evaluation and each checkpoint once, so the run
// service stores no metric row twice and loses none.
// A Comparo that follows a job again after a restart replays the job's stream from its start,
// with the filter seeded from what its history already holds.
import type { TrainerToParent } from '../../shared/trainer-protocol';
import type { StoredProgress } from '../training/protocol';

export class ReplayFilter {
  private lastSampleStep: number;
  private readonly evaluations: Set<string>;
  private readonly checkpoints = new Set<number>();
  /** Checkpoints at or before this step are already recorded. */
  private readonly storedCheckpointStep: number;

  constructor(stored: StoredProgress | null = null) {
    this.lastSampleStep = stored?.lastSampleStep ?? -1;
    this.evaluations = new Set(stored?.evaluations ?? []);
    this.storedCheckpointStep = stored?.checkpointStep ?? -1;
  }

  /** The message to deliver (samples already delivered removed), or null to drop it. */
  pass(message: TrainerToParent): TrainerToParent | null {
    switch (message.type) {
      case 'progress': {
        const samples = message.samples.filter((s) => s.step > this.lastSampleStep);
        for (const s of samples) this.lastSampleStep = Math.max(this.lastSampleStep, s.step);
        return samples.length === message.samples.length ? message : { ...message, samples };
      }
      case 'eval': {
        const key = `${message.split ?? 'validation'}:${message.step}`;
        if (this.evaluations.has(key)) return null;
        this.evaluations.add(key);
        return message;
      }
      case 'checkpoint':
        if (this.checkpoints.has(message.step) || message.step <= this.storedCheckpointStep) return null;
        this.checkpoints.add(message.step);
        return message;
      // Utility replaces what was stored for its kind (main/db/evaluations-repo.ts replaceUtility), and
      // its share lands in the final metrics: always passed.
      default:
        return message;
    }
  }
}
