// After a worker dies, BullMQ retries its job elsewhere from the last checkpoint that reached the
// app, and the new trainer reports again the steps and evaluations between that checkpoint and the
// crash. Training is deterministic for a seed and backend, so those repeats carry the same numbers;
// this filter passes each step's samples and each evaluation once, so the run service stores no
// metric row twice and loses none.
import type { TrainerToParent } from '../../shared/trainer-protocol';

export class ReplayFilter {
  private lastSampleStep = -1;
  private readonly evaluations = new Set<string>();
  private readonly checkpoints = new Set<number>();
  private readonly utilities = new Set<string>();

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
        if (this.checkpoints.has(message.step)) return null;
        this.checkpoints.add(message.step);
        return message;
      case 'utility':
        if (this.utilities.has(message.kind)) return null;
        this.utilities.add(message.kind);
        return message;
      default:
        return message;
    }
  }
}
