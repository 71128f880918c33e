// What the comparison view calls its arms (renderer/lib/arm-labels.ts): the two losses, or an
// ad-hoc comparison's own labels when both arms share a loss and differ in a setting.
import { describe, expect, it } from 'vitest';
import { armNames, armOfRun, capitalise, comparisonTitle } from '../../renderer/lib/arm-labels';

describe('arm names', () => {
  it('says baseline vs comparative loss when the comparison carries no labels', () => {
    const arms = armNames({});
    expect(arms).toEqual({ baseline: 'baseline', comparative: 'comparative', byLoss: true });
    expect(comparisonTitle(arms)).toBe('Baseline vs comparative loss');
    expect(capitalise(arms.baseline)).toBe('Baseline');
  });

  it("uses an ad-hoc comparison's arm labels in the title and headers", () => {
    const arms = armNames({ armLabels: { baseline: 'baseline (dropout 0.1)', comparative: 'baseline (dropout 0.3)' } });
    expect(arms.byLoss).toBe(false);
    expect(comparisonTitle(arms)).toBe('baseline (dropout 0.1) vs baseline (dropout 0.3)');
    expect(capitalise(arms.comparative)).toBe('Baseline (dropout 0.3)');
  });

  it("puts a run in its ad-hoc arm, else in its loss's arm", () => {
    const of = armOfRun({ runArms: { 'r-1': 'baseline', 'r-2': 'comparative' } });
    expect([of({ id: 'r-1', loss: 'baseline' }), of({ id: 'r-2', loss: 'baseline' })]).toEqual(['baseline', 'comparative']);
    expect(armOfRun({})({ id: 'r-3', loss: 'comparative' })).toBe('comparative');
  });
});
