// The comparison's views as tabs, those that fit the dataset's task (shared/comparison-views.ts):
// a view that does not fit keeps its tab and says why. The analysis (one `comparisons.analysis`
// request) is fetched when a view that needs it opens, whenever a run changes state, and every
// few seconds while the comparison trains (its curves grow with each evaluation).
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { TabList } from '../TabList';
import { comparisonViews, type ComparisonViewId } from '../../../shared/comparison-views';
import type { LossKind, RunSummary } from '../../../shared/schemas';
import type { DatasetTask } from '../../../shared/tasks';
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
import { ScatterPanel } from './ScatterPanel';
import { UtilityPanel } from './UtilityPanel';
import { NotApplicablePanel } from './ViewNotes';

export type { ComparisonViewId };

/** Headings of the views that can say "does not apply" (the same words as when they do apply). */
const HEADINGS: Partial<Record<ComparisonViewId, string>> = {
  'per-class': 'Per class: precision, recall and F1',
  confusion: 'Confusion matrices',
  examples: 'Examples the comparative run changed',
};

/** The view to show when the chosen one is not among the task's: the same slot's counterpart. */
function counterpart(view: ComparisonViewId, ids: readonly ComparisonViewId[]): ComparisonViewId {
  if (ids.includes(view)) return view;
  if (view === 'confusion' && ids.includes('scatter')) return 'scatter';
  if (view === 'scatter' && ids.includes('confusion')) return 'confusion';
  return 'overview';
}

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
  /** The dataset's task, until the analysis (which carries it too) has loaded. */
  task?: DatasetTask;
}

export function ComparisonTabs({ comparisonId, view: chosen, onView, overview, runs, seeds, traces, running, refreshKey, arms, task }: ComparisonTabsProps) {
  const [loadedTask, setLoadedTask] = useState<DatasetTask | undefined>(undefined);
  const plans = comparisonViews(loadedTask ?? task);
  const view = counterpart(chosen, plans.map((v) => v.id));
  const plan = plans.find((v) => v.id === view)!;
  const needsAnalysis = view !== 'overview' && view !== 'live' && !plan.notApplicable;
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
  const analysisTask = analysis.data?.task;
  useEffect(() => {
    if (analysisTask) setLoadedTask(analysisTask);
  }, [analysisTask]);

  // Arrow keys move between tabs, as the WAI-ARIA tabs pattern expects.
  const a = analysis.data;
  const body = (() => {
    if (view === 'overview') return overview;
    if (view === 'live') return <LivePanel runs={runs} seeds={seeds} traces={traces} running={running} />;
    if (plan.notApplicable) return <NotApplicablePanel view={view} heading={HEADINGS[view] ?? plan.label} reason={plan.notApplicable} />;
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
      case 'scatter':
        return <ScatterPanel analysis={a} />;
      case 'examples':
        return <ExamplesPanel analysis={a} />;
      case 'utility':
        return (
          <>
            <UtilityPanel analysis={a} />
            <section className="card" aria-labelledby="per-seed-utility-heading">
              <h2 id="per-seed-utility-heading">Every seed</h2>
              <UtilityCurves runs={runs} seeds={seeds} refreshKey={refreshKey} task={loadedTask ?? task} />
            </section>
          </>
        );
      case 'compute':
        return <ComputePanel analysis={a} />;
    }
  })();

  return (
    <>
      <TabList
        tabs={plans}
        selected={view}
        onSelect={(id) => onView(id as typeof view)}
        idPrefix="comparison-tab"
        panelId="comparison-view-panel"
        testIdPrefix="view-tab"
        className="comparison-tabs"
        label="Comparison views"
      />
      <div id="comparison-view-panel" role="tabpanel" aria-labelledby={`comparison-tab-${view}`} data-view={view}>
        {body}
      </div>
    </>
  );
}
