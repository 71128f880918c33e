// Names by what differs: two comparisons on one dataset that differ in one setting are told apart
// by exactly that setting; a person's rename always wins over the generated name.
import { describe, expect, it } from 'vitest';
import { generatedNames, historyNames, modelLabel, shortDate, type NameSubject } from '../../shared/run-names';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../shared/schemas';

const OPTIONS = { timeZone: 'UTC', now: new Date('2026-12-10T00:00:00Z') };
const config = (patch: Partial<RunConfig> = {}): RunConfig => ({ ...DEFAULT_RUN_CONFIG, ...patch });
const subject = (id: string, patch: Partial<RunConfig> = {}, createdAt = '2026-12-03T15:40:00Z', datasetId = 'd-1'): NameSubject => ({ id, datasetId, config: config(patch), createdAt });
const names = (subjects: NameSubject[]) => generatedNames(subjects, (id) => ({ 'd-1': 'imdb', 'd-2': 'sst2' })[id], OPTIONS);

describe('generated names', () => {
  it('names a comparison by dataset, model, loss settings and date', () => {
    const bert = { model: { ...DEFAULT_RUN_CONFIG.model, pretrained: '/home/me/.cache/huggingface/hub/models--prajjwal1--bert-tiny/snapshots/abc123' } };
    expect(names([subject('c-1', { ...bert, ablations: 2, dropout: 0.1 })]).get('c-1')).toBe('imdb · bert-tiny · C=2 p=0.1 · 3 Dec 15:40');
    expect(names([subject('c-1', { crops: 1 })]).get('c-1')).toBe('imdb · built-in · C=2 p=0.1 crops 1 · 3 Dec 15:40');
  });

  it('adds exactly the setting two comparisons differ in', () => {
    const n = names([subject('c-1', { learningRate: 5e-5 }, '2026-12-03T15:40:00Z'), subject('c-2', { learningRate: 2e-4 }, '2026-12-03T16:05:00Z')]);
    expect(n.get('c-1')).toBe('imdb · built-in · C=2 p=0.1 lr 5e-5 · 3 Dec 15:40');
    expect(n.get('c-2')).toBe('imdb · built-in · C=2 p=0.1 lr 2e-4 · 3 Dec 16:05');
    const epochs = names([subject('c-1', { epochs: 3 }), subject('c-2', { epochs: 5 })]);
    expect(epochs.get('c-1')).toBe('imdb · built-in · C=2 p=0.1 3 epochs · 3 Dec 15:40');
    expect(epochs.get('c-2')).toBe('imdb · built-in · C=2 p=0.1 5 epochs · 3 Dec 15:40');
  });

  it('compares only within a dataset, and numbers twins that nothing else tells apart', () => {
    const n = names([subject('c-1', { learningRate: 5e-5 }), subject('c-2', {}, '2026-12-03T15:40:00Z', 'd-2'), subject('c-3', { learningRate: 5e-5 }, '2026-12-03T15:40:30Z')]);
    expect(n.get('c-2')).toBe('sst2 · built-in · C=2 p=0.1 · 3 Dec 15:40');
    expect(n.get('c-1')).toBe('imdb · built-in · C=2 p=0.1 · 3 Dec 15:40');
    expect(n.get('c-3')).toBe('imdb · built-in · C=2 p=0.1 · 3 Dec 15:40 · #2');
  });

  it('writes the year only when it is not this year, and names folders and hub caches by their model', () => {
    expect(shortDate('2025-01-02T09:05:00Z', OPTIONS)).toBe('2 Jan 2025 09:05');
    expect(modelLabel({ ...DEFAULT_RUN_CONFIG.model, pretrained: '/models/electra-small' })).toBe('electra-small');
    expect(modelLabel(DEFAULT_RUN_CONFIG.model)).toBe('built-in');
  });
});

describe('history names', () => {
  const datasets = [{ id: 'd-1', name: 'imdb' }];
  const comparisons = [
    { id: 'c-1', datasetId: 'd-1', config: config({ dropout: 0.1 }), createdAt: '2026-12-03T15:40:00Z', name: null },
    { id: 'c-2', datasetId: 'd-1', config: config({ dropout: 0.3 }), createdAt: '2026-12-03T15:41:00Z', name: 'my dropout try' },
  ];
  const run = (id: string, comparisonId: string | null, loss: 'baseline' | 'comparative', seed: number, name = `${loss} · seed ${seed} · imdb`) => ({
    id,
    datasetId: 'd-1',
    comparisonId,
    name,
    loss,
    seed,
    config: config({ loss, seed, dropout: comparisonId === 'c-2' ? 0.3 : 0.1 }),
    createdAt: '2026-12-03T15:40:00Z',
  });

  it('names runs after their comparison; renames of comparisons and runs win', () => {
    const n = historyNames({ datasets, comparisons, runs: [run('r-1', 'c-1', 'comparative', 2), run('r-2', 'c-2', 'baseline', 1), run('r-3', 'c-1', 'baseline', 1, 'keep this one')] }, OPTIONS);
    expect(n.comparison('c-1')).toBe('imdb · built-in · C=2 p=0.1 · 3 Dec 15:40');
    expect(n.comparison('c-2')).toBe('my dropout try');
    expect(n.run('r-1')).toBe('imdb · built-in · C=2 p=0.1 · 3 Dec 15:40 · comparative · seed 2');
    expect(n.run('r-2')).toBe('my dropout try · baseline · seed 1');
    expect(n.run('r-3')).toBe('keep this one');
    expect([n.renamed('r-1'), n.renamed('r-3')]).toEqual([false, true]);
  });

  it('names a single run by its own settings, without C for a baseline run', () => {
    const n = historyNames({ datasets, comparisons: [], runs: [run('r-9', null, 'baseline', 4, 'baseline · seed 4')] }, OPTIONS);
    expect(n.run('r-9')).toBe('imdb · built-in · p=0.1 · 3 Dec 15:40 · baseline · seed 4');
  });
});
