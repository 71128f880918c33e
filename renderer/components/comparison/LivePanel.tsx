// The live loss decomposition of one seed: the baseline's loss beside the comparative run's full
// model (l0), each ablated copy (l1..lC) and the comparative term; updated as the runs train.
import { useState } from 'react';
import { LIVE_TEXT } from '../../../shared/comparison-views';
import type { RunSummary } from '../../../shared/schemas';
import type { RunTraces } from '../../lib/useRunTraces';
import { OptimizerChart } from '../OptimizerChart';
import { TrainingLossChart } from '../TrainingLossChart';
import { SplitNote } from './ViewNotes';

export function SeedLossChart({ runs, seeds, traces }: { runs: RunSummary[]; seeds: number[]; traces: RunTraces }) {
  const [seed, setSeed] = useState(seeds[0]);
  const pick = (loss: RunSummary['loss']) => runs.find((run) => run.loss === loss && run.seed === seed);
  return (
    <div className="seed-loss">
      {seeds.length > 1 && (
        <div className="tabs" role="tablist" aria-label="Seed">
          {seeds.map((s) => (
            <button key={s} type="button" role="tab" aria-selected={s === seed} className={`tab${s === seed ? ' is-active' : ''}`} onClick={() => setSeed(s)}>
              seed {s}
            </button>
          ))}
        </div>
      )}
      <TrainingLossChart baseline={pick('baseline')} comparative={pick('comparative')} traces={traces} />
      <OptimizerChart baseline={pick('baseline')} comparative={pick('comparative')} traces={traces} />
    </div>
  );
}

export function LivePanel({ runs, seeds, traces, running }: { runs: RunSummary[]; seeds: number[]; traces: RunTraces; running: boolean }) {
  return (
    <section className="card" aria-labelledby="live-heading" data-testid="view-live">
      <h2 id="live-heading">Loss decomposition{running ? ' (live)' : ''}</h2>
      <SplitNote>{LIVE_TEXT}</SplitNote>
      <p className="muted">
        Per optimizer step: the comparative run's full-model loss l0, each ablated copy's loss l1…lC and the comparative term Lcmp, beside the baseline's loss.
        {running ? ' Updates while the runs train.' : ' Stored with the runs, so a finished comparison shows it too.'}
      </p>
      <SeedLossChart runs={runs} seeds={seeds} traces={traces} />
    </section>
  );
}
