// Where should fine-tuning start? On each embedded sample (IMDB reviews, spam e-mails), 3 seeds of
// baseline vs comparative from three starting points: the built-in model trained from scratch,
// the shipped encoder (assets/models/comparo-bert-tiny), and the shipped encoder adapted to the
// dataset's training texts first (continued masked-LM pretraining). Every number comes from the
// CLI's own `compare --json` (validation split, selected checkpoint), so the table is what a
// user of the app would see. Writes the section between the markers in docs/experiment.md.
//
// Run: npm run experiment:starting-points [-- --out <folder> --only imdb|spam --starts scratch,shipped,adapted --table-only]  (about 75 minutes on 2 cores; a
// comparison whose result file exists in <out>/results is not run again, so an interrupted
// run continues where it stopped).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { mean, sampleStd } from '../shared/stats';

const root = fileURLToPath(new URL('..', import.meta.url));
const DOC = path.join(root, 'docs/experiment.md');
const BEGIN = '<!-- starting-points:begin -->';
const END = '<!-- starting-points:end -->';

/**
 * No --lr: each arm fine-tunes at the rate a user of the app gets, the built-in model at its
 * preset's and the shipped encoder (and one adapted from it) at the rate its pretraining.json
 * recommends (shared/models.ts FROM_SCRATCH_PRETRAINED_LEARNING_RATE).
 */
/** Domain-adaptive pretraining of the shipped encoder on the dataset's training texts. */
const ADAPT = { steps: '400', lr: '1e-3', batchSize: '32' };
const SEEDS = 3;

const DATASETS = [
  { key: 'imdb', title: 'IMDB reviews (assets/datasets/imdb-reviews-2k.csv)' },
  { key: 'spam', title: 'SpamAssassin e-mails (assets/datasets/spam-assassin-2k.csv)' },
] as const;

type Start = 'scratch' | 'shipped' | 'adapted';
const START_LABELS: Record<Start, string> = {
  scratch: 'built-in, from scratch',
  shipped: 'shipped encoder (comparo-bert-tiny)',
  adapted: `shipped encoder adapted to the dataset (${ADAPT.steps} masked-LM steps)`,
};

interface Row {
  metric: string;
  baseline: Array<number | null>;
  comparative: Array<number | null>;
  stats?: { pT?: number | null; verdict?: string };
}
interface CompareResult {
  table: Row[];
  headline?: { split: string; examples: number; checkpoint: string };
}

function cli(dataDir: string, args: string[], stdoutFile?: string): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli/index.ts'), '--data-dir', dataDir, ...args], {
    cwd: root,
    stdio: ['ignore', stdoutFile ? 'pipe' : 'inherit', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`cli ${args.join(' ')} exited ${result.status}`);
  if (stdoutFile) writeFileSync(stdoutFile, result.stdout);
}

const resultFile = (out: string, dataset: string, start: Start) => path.join(out, 'results', `${dataset}-${start}.json`);

function compare(out: string, dataset: string, start: Start): CompareResult {
  const file = resultFile(out, dataset, start);
  if (!existsSync(file)) {
    const dataDir = path.join(out, 'data');
    const common = ['compare', '--dataset', dataset, '--seeds', String(SEEDS), '--json'];
    if (start === 'scratch') cli(dataDir, [...common, '--model', 'builtin'], file);
    else if (start === 'shipped') cli(dataDir, [...common, '--model', 'comparo-bert-tiny'], file);
    else {
      const adapted = path.join(out, `adapted-${dataset}`);
      if (!existsSync(path.join(adapted, 'config.json'))) {
        cli(dataDir, ['pretrain', '--model', 'comparo-bert-tiny', '--dataset', dataset, '--steps', ADAPT.steps, '--lr', ADAPT.lr, '--batch-size', ADAPT.batchSize, '--out', adapted]);
      }
      cli(dataDir, [...common, '--model', adapted], file);
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as CompareResult;
}

const pct = (x: number | null) => (x === null ? '–' : (100 * x).toFixed(1));

/** Mean and 95% t interval of paired differences, in points. */
function interval(a: Array<number | null>, b: Array<number | null>): string {
  const diffs = a.flatMap((x, i) => (x === null || b[i] === null ? [] : [x - (b[i] as number)]));
  const m = mean(diffs);
  const sd = sampleStd(diffs);
  if (m === null) return '–';
  if (sd === null || diffs.length < 2) return `${(100 * m).toFixed(1)}`;
  const half = tQuantile(0.975, diffs.length - 1) * (sd / Math.sqrt(diffs.length));
  return `${m >= 0 ? '+' : ''}${(100 * m).toFixed(1)} [${(100 * (m - half)).toFixed(1)}, ${(100 * (m + half)).toFixed(1)}]`;
}

function accuracy(result: CompareResult): Row {
  const row = result.table.find((r) => r.metric === 'accuracy');
  if (!row) throw new Error('a comparison without an accuracy row');
  return row;
}

function section(results: Map<string, Map<Start, CompareResult>>): string {
  const lines = [
    BEGIN,
    '## Where fine-tuning starts: from scratch, the shipped encoder, or the shipped encoder adapted first',
    '',
    'Reproduce: `npm run experiment:starting-points` (scripts/starting-point-experiment.ts; about 75 minutes',
    `on 2 cores). Each cell is accuracy in % on the validation split at the selected (best-on-validation)`,
    `checkpoint, seeds 1–${SEEDS}, default preset, each model at its own fine-tuning rate (the built-in one at its`,
    `preset's, the shipped encoder at the rate its pretraining.json recommends). "cmp − base" is the`,
    'paired difference between the arms of the same start; "vs scratch" pairs each start with the',
    'built-in model seed by seed, within the same arm. Brackets are 95% t intervals over the seeds.',
    '',
  ];
  for (const dataset of DATASETS) {
    const byStart = results.get(dataset.key);
    if (!byStart) continue;
    const scratch = byStart.get('scratch');
    lines.push(`### ${dataset.title}`, '');
    lines.push('| starting point | baseline per seed | mean | comparative per seed | mean | cmp − base (points) | baseline vs scratch | comparative vs scratch |');
    lines.push('| --- | --- | ---: | --- | ---: | --- | --- | --- |');
    for (const [start, result] of byStart) {
      const row = accuracy(result);
      const s = scratch ? accuracy(scratch) : null;
      const vs = (arm: 'baseline' | 'comparative') => (s && start !== 'scratch' ? interval(row[arm], s[arm]) : '–');
      lines.push(
        `| ${START_LABELS[start]} | ${row.baseline.map(pct).join(' / ')} | ${pct(mean(row.baseline.filter((x): x is number => x !== null)))} | ${row.comparative.map(pct).join(' / ')} | ${pct(mean(row.comparative.filter((x): x is number => x !== null)))} | ${interval(row.comparative, row.baseline)} | ${vs('baseline')} | ${vs('comparative')} |`,
      );
    }
    const reference = scratch?.table.find((r) => r.metric === 'accuracy') as (Row & { reference?: { value: number; rule: string } }) | undefined;
    if (reference?.reference) lines.push('', `Majority-class reference: ${pct(reference.reference.value)} (${reference.reference.rule}).`);
    lines.push('');
  }
  lines.push(END);
  return lines.join('\n');
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string' }, only: { type: 'string' }, starts: { type: 'string' }, 'table-only': { type: 'boolean' } } });
  // --starts scratch runs part of the table now (e.g. beside a model build) and the rest later: results are kept per comparison.
  const starts = (values.starts?.split(',') ?? ['scratch', 'shipped', 'adapted']) as Start[];
  const unknown = starts.filter((start) => !(start in START_LABELS));
  if (unknown.length > 0) throw new Error(`--starts takes scratch, shipped and adapted, not ${unknown.join(', ')}`);
  const out = path.resolve(values.out ?? path.join(root, '.experiments/starting-points'));
  mkdirSync(path.join(out, 'results'), { recursive: true });
  const results = new Map<string, Map<Start, CompareResult>>();
  for (const dataset of DATASETS) {
    if (values.only !== undefined && values.only !== dataset.key) continue;
    const byStart = new Map<Start, CompareResult>();
    for (const start of starts) {
      // --table-only writes the table from the results already in <out>/results and runs nothing.
      if (values['table-only'] && !existsSync(resultFile(out, dataset.key, start))) continue;
      console.error(`${dataset.key}: ${start}`);
      byStart.set(start, compare(out, dataset.key, start));
    }
    results.set(dataset.key, byStart);
  }
  const doc = readFileSync(DOC, 'utf8');
  const text = section(results);
  const at = doc.indexOf(BEGIN);
  const next = at < 0 ? `${doc.trimEnd()}\n\n${text}\n` : doc.slice(0, at) + text + doc.slice(doc.indexOf(END) + END.length);
  writeFileSync(DOC, next);
  console.error(`wrote ${path.relative(root, DOC)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
