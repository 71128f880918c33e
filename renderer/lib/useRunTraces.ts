// Live curves and progress for a set of runs: loads what is stored, then follows events.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../shared/contract';
import { formatError } from '../../shared/errors';
import { getApi } from '../api';
import { useApiEvent } from './hooks';
import { addMetricPoints, addStepSamples, type RunTrace } from './traces';

export interface LiveProgress {
  step: number;
  totalSteps: number;
  etaMs: number | null;
  receivedAt: number;
}

interface Store {
  traces: Map<string, RunTrace>;
  progress: Map<string, LiveProgress>;
  lastEventAt: Map<string, number>;
  errors: Map<string, string>;
}

export interface RunTraces {
  traces: ReadonlyMap<string, RunTrace>;
  progress: ReadonlyMap<string, LiveProgress>;
  errors: ReadonlyMap<string, string>;
  /** Changes whenever any trace changes; use as a memo dependency. */
  version: number;
  /** Refetches a run's stored metrics (after a status change, or when events went quiet). */
  reload: (runId: string) => void;
  /** When the last live event for a run arrived (0 if none). */
  lastEventAt: (runId: string) => number;
}

function emptyStore(): Store {
  return { traces: new Map(), progress: new Map(), lastEventAt: new Map(), errors: new Map() };
}

export function useRunTraces(runIds: readonly string[]): RunTraces {
  const idsKey = runIds.join(',');
  const store = useRef<Store>(emptyStore());
  // Answers to requests made for a previous set of runs must not leak into the new store.
  const trackedIds = useRef<readonly string[]>([]);
  const [version, setVersion] = useState(0);
  const frame = useRef<number | null>(null);

  // Progress events arrive in bursts (several runs at once); one re-render per frame is plenty.
  const scheduleRender = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = window.requestAnimationFrame(() => {
      frame.current = null;
      setVersion((v) => v + 1);
    });
  }, []);
  useEffect(() => () => {
    if (frame.current !== null) window.cancelAnimationFrame(frame.current);
  }, []);

  const traceFor = useCallback((runId: string): RunTrace => {
    let trace = store.current.traces.get(runId);
    if (!trace) {
      trace = new Map();
      store.current.traces.set(runId, trace);
    }
    return trace;
  }, []);

  const reload = useCallback(
    (runId: string) => {
      void getApi()
        .invoke('runs.get', { id: runId })
        .then((result) => {
          if (!trackedIds.current.includes(runId)) return;
          if (result.ok) {
            addMetricPoints(traceFor(runId), result.value.metrics);
            store.current.errors.delete(runId);
          } else {
            store.current.errors.set(runId, formatError(result.error));
          }
          scheduleRender();
        });
    },
    [traceFor, scheduleRender],
  );

  useEffect(() => {
    store.current = emptyStore();
    trackedIds.current = idsKey ? idsKey.split(',') : [];
    setVersion((v) => v + 1);
    for (const id of trackedIds.current) reload(id);
  }, [idsKey, reload]);

  const isTracked = (runId: string) => trackedIds.current.includes(runId);

  useApiEvent('run.progress', (payload: EventPayload<'run.progress'>) => {
    if (!isTracked(payload.runId)) return;
    addStepSamples(traceFor(payload.runId), payload.samples);
    const now = Date.now();
    store.current.progress.set(payload.runId, { step: payload.step, totalSteps: payload.totalSteps, etaMs: payload.etaMs, receivedAt: now });
    store.current.lastEventAt.set(payload.runId, now);
    scheduleRender();
  });

  useApiEvent('run.eval', (payload: EventPayload<'run.eval'>) => {
    if (!isTracked(payload.runId)) return;
    addMetricPoints(traceFor(payload.runId), payload.points);
    store.current.lastEventAt.set(payload.runId, Date.now());
    scheduleRender();
  });

  return {
    traces: store.current.traces,
    progress: store.current.progress,
    errors: store.current.errors,
    version,
    reload,
    lastEventAt: (runId) => store.current.lastEventAt.get(runId) ?? 0,
  };
}
