// The comparison's views as tabs. The analysis (one `comparisons.analysis` request) is fetched
// when a view that needs it opens, whenever a run changes state, and every few seconds while the
// comparison trains (its curves grow with each evaluation).
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { LossKind, RunSummary } from '../../../shared/schemas';
import type { ArmNames } from '../../lib/arm-labels';
import { useInterval } from '../../lib/hooks';
import { useApiQuery } from '../../lib/useApiQuery';
import type { RunTraces } from '../../lib/useRunTraces';
import { ErrorMessage } from '../ErrorMessage';
import { UtilityCurves } from '../UtilityCurves';
import { ValidationCurves } from '../ValidationCurves';
import { ComputePanel } from './ComputePanel';
import { ConfusionPanel } from './ConfusionPanel';
import { CurvesPanel } from './CurvesPanel';
import { ExamplesPanel } from './ExamplesPanel';
import { LivePanel } from './LivePanel';
import { PerClassPanel } from './PerClassPanel';
import { UtilityPanel } from './UtilityPanel';

export const COMPARISON_VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'curves', label: 'Curves' },
  { id: 'per-class', label: 'Per class' },
  { id: 'confusion', label: 'Confusion' },
  { id: 'examples', label: 'Examples' },
  { id: 'utility', label: 'Utility' },
  { id: 'compute', label: 'Compute' },
  { id: 'live', label: 'Live' },
] as const;
export type ComparisonViewId = (typeof COMPARISON_VIEWS)[number]['id'];

/** The analysis reads every run's rows: refreshed less often than the live loss curves. */
const ANALYSIS_POLL_MS = 5000;

interface ComparisonTabsProps {
  comparisonId: string;
  view: ComparisonViewId;
  onView: (view: ComparisonViewId) => void;
  overview: ReactNode;
  runs: RunSummary[];
  seeds: number[];
  traces: RunTraces;
  running: boolean;
  /** Changes whenever a run or the comparison changes state: the analysis is fetched again. */
  refreshKey: string;
  /** What the arms are called and which run is in which (ad-hoc comparisons; default: by loss). */
  arms?: { names: ArmNames; of: (run: RunSummary) => LossKind };
}

export function ComparisonTabs({ comparisonId, view, onView, overview, runs, seeds, traces, running, refreshKey, arms }: ComparisonTabsProps) {
  const needsAnalysis = view !== 'overview' && view !== 'live';
  // Loaded once a view needs it, then kept while moving between tabs (no reload on every click).
  const [wanted, setWanted] = useState(needsAnalysis);
  useEffect(() => {
    if (needsAnalysis) setWanted(true);
  }, [needsAnalysis]);
  const analysis = useApiQuery('comparisons.analysis', wanted || needsAnalysis ? { id: comparisonId } : null);
  const lastKey = useRef(refreshKey);
  useEffect(() => {
    if (lastKey.current === refreshKey) return;
    lastKey.current = refreshKey;
    if (wanted) analysis.reload();
  }, [refreshKey, wanted, analysis.reload]);

  useInterval(() => analysis.reload(), running && needsAnalysis ? ANALYSIS_POLL_MS : null);

  // Arrow keys move between tabs, as the WAI-ARIA tabs pattern expects.
  const onKeyDown = (event: KeyboardEvent) => {
    const index = COMPARISON_VIEWS.findIndex((v) => v.id === view);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = COMPARISON_VIEWS[(index + step + COMPARISON_VIEWS.length) % COMPARISON_VIEWS.length];
    onView(next.id);
    document.getElementById(`comparison-tab-${next.id}`)?.focus();
  };

  const a = analysis.data;
  const body = (() => {
    if (view === 'overview') return overview;
    if (view === 'live') return <LivePanel runs={runs} seeds={seeds} traces={traces} running={running} />;
    if (!a) return analysis.error ? <ErrorMessage title="Could not load the analysis" error={analysis.error} /> : <p className="muted">Loading the analysis…</p>;
    switch (view) {
      case 'curves':
        return (
          <>
            <CurvesPanel analysis={a} />
            <section className="card" aria-labelledby="per-seed-curves-heading">
              <h2 id="per-seed-curves-heading">Every seed</h2>
              <ValidationCurves runs={runs} seeds={seeds} traces={traces} arms={arms} />
            </section>
          </>
        );
      case 'per-class':
        return <PerClassPanel analysis={a} />;
      case 'confusion':
        return <ConfusionPanel analysis={a} />;
      case 'examples':
        return <ExamplesPanel analysis={a} />;
      case 'utility':
        return (
          <>
            <UtilityPanel analysis={a} />
            <section className="card" aria-labelledby="per-seed-utility-heading">
              <h2 id="per-seed-utility-heading">Every seed</h2>
              <UtilityCurves runs={runs} seeds={seeds} refreshKey={refreshKey} />
            </section>
          </>
        );
      case 'compute':
        return <ComputePanel analysis={a} />;
    }
  })();

  return (
    <>
      <div className="tabs comparison-tabs" role="tablist" aria-label="Comparison views" onKeyDown={onKeyDown}>
        {COMPARISON_VIEWS.map((v) => (
          <button
            key={v.id}
            id={`comparison-tab-${v.id}`}
            type="button"
            role="tab"
            aria-selected={v.id === view}
            aria-controls="comparison-view-panel"
            tabIndex={v.id === view ? 0 : -1}
            className={`tab${v.id === view ? ' is-active' : ''}`}
            onClick={() => onView(v.id)}
            data-testid={`view-tab-${v.id}`}
          >
            {v.label}
          </button>
        ))}
      </div>
      <div id="comparison-view-panel" role="tabpanel" aria-labelledby={`comparison-tab-${view}`} data-view={view}>
        {body}
      </div>
    </>
  );
}
