// Pause/cancel requests from the parent, checked by the training loop between steps and batches.

import type { TrainerToParent } from './protocol';
/** Pause/cancel requests from the parent, checked by the loop once per step. */
export class TrainingControl {
  private cancelled = false;
  private paused = false;
  private wake: (() => void) | null = null;

  cancel(): void {
    this.cancelled = true;
    this.wake?.();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /**
   * Yields to the event loop (so incoming messages get handled), then blocks while paused.
   * Returns false when the run should stop.
   */
  async checkpoint(emit: (message: TrainerToParent) => void): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.paused && !this.cancelled) {
      emit({ type: 'paused' });
      while (this.paused && !this.cancelled) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      if (!this.cancelled) emit({ type: 'resumed' });
    }
    return !this.cancelled;
  }
}
