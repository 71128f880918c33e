// One look for every status word, so "running" reads the same in the history and the live view.
// A running run's live phase (shared/vocabulary.ts RunPhaseSchema) replaces the word while it
// lasts: "evaluating" when steps do not advance, "pausing" / "cancelling" until the trainer stops.
import type { RunPhase } from '../../shared/vocabulary';

export function StatusChip({ status, phase }: { status: string; phase?: RunPhase }) {
  const shown = phase && phase !== 'training' ? phase : null;
  return (
    <span className={`status-chip status-${status}${shown ? ` phase-${shown}` : ''}`} data-phase={shown ?? undefined} title={shown ? `${status}: ${PHASE_TITLES[shown]}` : undefined}>
      {shown ?? status}
    </span>
  );
}

const PHASE_TITLES: Record<Exclude<RunPhase, 'training'>, string> = {
  evaluating: 'scoring the model (validation, the held-out test split or utility); steps go on afterwards or the run completes',
  pausing: 'stops after the current step, then gives its trainer slot to the next queued run',
  cancelling: 'the trainer is stopping',
};
