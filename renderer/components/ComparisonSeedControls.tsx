// More training for a comparison Comparo trained: "Re-run seed 4" for each seed with a cancelled,
// failed or interrupted run (it trains again from step 0 with the same config and seed), and
// "Add seeds…" for more complete pairs, the next seeds after the largest. The statistics then
// include every seed whose two arms completed (main/services/comparison-service.ts).
import { useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import { MAX_ADDED_SEEDS } from '../../shared/comparison-seeds';
import type { ComparisonSummary, RunSummary } from '../../shared/schemas';
import { getApi } from '../api';
import { ErrorMessage } from './ErrorMessage';

const RERUNNABLE = new Set(['cancelled', 'failed', 'interrupted']);

interface Props {
  comparison: ComparisonSummary;
  runs: RunSummary[];
  onChanged: () => void;
}

export function ComparisonSeedControls({ comparison, runs, onChanged }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const [adding, setAdding] = useState(false);
  const [count, setCount] = useState(2);
  if (comparison.kind === 'adhoc') return null;
  const rerunnable = [...new Set(runs.filter((r) => RERUNNABLE.has(r.status)).map((r) => r.seed))].sort((a, b) => a - b);

  const act = async (run: () => Promise<{ ok: boolean; error?: AppErrorValue }>) => {
    setBusy(true);
    setError(null);
    const result = await run();
    setBusy(false);
    if (!result.ok) setError(result.error ?? null);
    else setAdding(false);
    onChanged();
  };
  const rerun = (seed: number) => act(() => getApi().invoke('comparisons.rerun', { id: comparison.id, seeds: [seed] }));
  const add = () => act(() => getApi().invoke('comparisons.addSeeds', { id: comparison.id, count }));
  const validCount = Number.isInteger(count) && count >= 1 && count <= MAX_ADDED_SEEDS;

  return (
    <div className="comparison-seed-controls" data-testid="comparison-seed-controls">
      {rerunnable.map((seed) => (
        <button
          key={seed}
          type="button"
          className="button small"
          data-testid="rerun-seed"
          data-seed={seed}
          disabled={busy}
          title="Train this seed's cancelled, failed or interrupted runs again from the start, with the same settings"
          onClick={() => void rerun(seed)}
        >
          Re-run seed {seed}
        </button>
      ))}
      {adding ? (
        <span className="add-seeds">
          <label>
            Seeds to add{' '}
            <input type="number" min={1} max={MAX_ADDED_SEEDS} step={1} value={count} data-testid="add-seeds-count" onChange={(e) => setCount(e.target.valueAsNumber)} />
          </label>
          <button type="button" className="button small primary" data-testid="add-seeds-confirm" disabled={busy || !validCount} onClick={() => void add()}>
            Train {validCount ? count * 2 : ''} more runs
          </button>
          <button type="button" className="button small" onClick={() => setAdding(false)}>
            Never mind
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="button small"
          data-testid="add-seeds"
          disabled={busy}
          title={`More seeds make the paired statistics firmer; each seed is two runs (both arms) with this comparison's settings, seeds ${Math.max(...comparison.seeds) + 1} and on`}
          onClick={() => setAdding(true)}
        >
          Add seeds…
        </button>
      )}
      <ErrorMessage error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
