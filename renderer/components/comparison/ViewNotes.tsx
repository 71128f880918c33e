// The two notes every comparison view carries where it applies: which split and checkpoint its
// numbers are on, and, where the dataset's task has no such view, why (shared/comparison-views.ts).
import type { ReactNode } from 'react';

/** "On the held-out test split (…)": the first line of a view, so a number is never read without its split. */
export function SplitNote({ children }: { children: ReactNode }) {
  return (
    <p className="split-note" data-testid="split-note">
      {children}
    </p>
  );
}

/** A view that does not fit the task: its heading, then the reason in plain words. */
export function NotApplicablePanel({ view, heading, reason }: { view: string; heading: string; reason: string }) {
  return (
    <section className="card" aria-labelledby={`${view}-heading`} data-testid={`view-${view}`} data-not-applicable="true">
      <h2 id={`${view}-heading`}>{heading}</h2>
      <p className="notice" data-testid="not-applicable">
        Does not apply to this dataset. {reason}
      </p>
    </section>
  );
}
