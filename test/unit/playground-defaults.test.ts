import { describe, expect, it } from 'vitest';
import { defaultRunIds, probabilityBars } from '../../renderer/lib/playground';
import { DEFAULT_RUN_CONFIG, type ComparisonSummary, type RunSummary } from '../../shared/schemas';

function run(id: string, fields: Partial<RunSummary>): RunSummary {
  return {
    id,
    datasetId: 'd1',
    comparisonId: null,
    name: id,
    loss: 'baseline',
    seed: 1,
    status: 'completed',
    backend: 'wasm',
    config: DEFAULT_RUN_CONFIG,
    step: 10,
    totalSteps: 10,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    error: null,
    checkpointStep: 10,
    bestStep: 10,
    dataHash: 'h',
    finalMetrics: {},
    ...fields,
  };
}

const comparison = (id: string, createdAt: string): ComparisonSummary => ({
  id,
  datasetId: 'd1',
  seeds: [1, 2],
  config: DEFAULT_RUN_CONFIG,
  status: 'completed',
  runIds: [],
  createdAt,
});

describe('Playground default runs', () => {
  const runs = [
    run('b1', { comparisonId: 'c1', seed: 1, finalMetrics: { accuracy: 0.7 } }),
    run('b2', { comparisonId: 'c1', seed: 2, finalMetrics: { accuracy: 0.8 } }),
    run('c1s1', { comparisonId: 'c1', seed: 1, loss: 'comparative', finalMetrics: { accuracy: 0.9 } }),
    run('c1s2', { comparisonId: 'c1', seed: 2, loss: 'comparative', finalMetrics: { accuracy: 0.6 } }),
    run('old-b', { comparisonId: 'c0', seed: 1 }),
    run('old-c', { comparisonId: 'c0', seed: 2, loss: 'comparative', status: 'cancelled' }),
  ];
  const comparisons = [comparison('c0', '2026-01-01T00:00:00.000Z'), comparison('c1', '2026-01-02T00:00:00.000Z')];

  it('picks both arms of the newest comparison at their best seed', () => {
    expect(defaultRunIds(runs, comparisons)).toEqual(['b2', 'c1s1']);
  });

  it('uses the comparison asked for, and seed 1 when no run has a score; unfinished runs are skipped', () => {
    expect(defaultRunIds(runs, comparisons, 'c0')).toEqual(['old-b']);
  });

  it('falls back to the newest completed run without comparisons, and to nothing without runs', () => {
    expect(defaultRunIds([run('x', {}), run('y', { createdAt: '2026-02-01T00:00:00.000Z' })], [])).toEqual(['y']);
    expect(defaultRunIds([], [])).toEqual([]);
  });

  it('orders bars as the model orders its labels', () => {
    expect(probabilityBars(['neg', 'pos'], { pos: 0.75, neg: 0.25 })).toEqual([
      { label: 'neg', probability: 0.25 },
      { label: 'pos', probability: 0.75 },
    ]);
  });
});
