// Names for comparisons and runs that say what differs between them: the dataset, the model, the
// loss settings (C, p, crops...) and the date, plus any other setting that varies between the
// comparisons on the same dataset (two that differ only in learning rate both say "lr ...").
// Computed when shown, never stored: a name depends on which other comparisons exist, so a stored
// name would go stale when a neighbour is added or deleted. A person's rename always wins.
import type { RunConfig } from './schemas';

/** One thing a name is built for: a comparison, or a single run standing alone. */
export interface NameSubject {
  id: string;
  datasetId: string;
  config: RunConfig;
  createdAt: string;
  /** A person's name (comparison rename); when set it is the whole name. */
  customName?: string | null;
  /** 'adhoc': put together from existing runs afterwards. 'run': a single run (no comparison). */
  kind?: 'seeded' | 'adhoc' | 'run';
}

export interface NameOptions {
  /** Dates are written in this time zone (IANA name); default: the local one. */
  timeZone?: string;
  /** Decides whether a date needs its year (only when not this year). */
  now?: Date;
}

/** The model a config trains: a pretrained folder's model name, or the built-in encoder. */
export function modelLabel(model: RunConfig['model']): string {
  if (!model.pretrained) return 'built-in';
  const parts = model.pretrained.split(/[\\/]+/).filter(Boolean);
  // Hugging Face cache: .../models--<org>--<name>/snapshots/<sha>
  const cached = parts.find((p) => p.startsWith('models--'));
  if (cached) return cached.split('--').slice(-1)[0];
  const last = parts[parts.length - 1] ?? model.pretrained;
  return last.includes('--') ? last.split('--').slice(-1)[0] : last;
}

const builtinShape = (m: RunConfig['model']) => (m.pretrained ? '' : `${m.dim}d×${m.layers}L`);

/** 5e-5, 2e-3, 2.5e-4: learning rates read as people write them. */
export function shortNumber(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.01) return n.toExponential();
  return String(Number(n.toPrecision(6)));
}

/**
 * Settings that may tell two comparisons apart, in the order they appear in a name. `always`: in
 * every name (the loss's own knobs); otherwise only where comparisons on the dataset disagree.
 */
const FIELDS: ReadonlyArray<{ key: string; value: (c: RunConfig) => string; label: (c: RunConfig) => string; always?: (s: NameSubject) => boolean }> = [
  { key: 'ablations', value: (c) => String(c.ablations), label: (c) => `C=${c.ablations}`, always: (s) => s.config.loss === 'comparative' || s.kind !== 'run' },
  { key: 'dropout', value: (c) => String(c.dropout), label: (c) => `p=${shortNumber(c.dropout)}`, always: () => true },
  { key: 'crops', value: (c) => String(c.crops), label: (c) => `crops ${c.crops}`, always: (s) => s.config.crops > 0 },
  { key: 'target', value: (c) => c.target, label: (c) => `target ${c.target}` },
  { key: 'objective', value: (c) => c.objective, label: (c) => c.objective.replace('_', ' ') },
  { key: 'temperature', value: (c) => String(c.temperature), label: (c) => `T=${shortNumber(c.temperature)}` },
  { key: 'learningRate', value: (c) => String(c.learningRate), label: (c) => `lr ${shortNumber(c.learningRate)}` },
  { key: 'epochs', value: (c) => String(c.epochs), label: (c) => `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}` },
  { key: 'batchSize', value: (c) => String(c.batchSize), label: (c) => `batch ${c.batchSize}` },
  { key: 'maxLength', value: (c) => String(c.maxLength), label: (c) => `len ${c.maxLength}` },
  { key: 'maxTrainExamples', value: (c) => String(c.maxTrainExamples), label: (c) => (c.maxTrainExamples ? `${c.maxTrainExamples} train ex.` : 'all train ex.') },
  { key: 'weightDecay', value: (c) => String(c.weightDecay), label: (c) => `wd ${shortNumber(c.weightDecay)}` },
  { key: 'warmupFraction', value: (c) => String(c.warmupFraction), label: (c) => `warmup ${shortNumber(c.warmupFraction)}` },
  { key: 'gradAccumulation', value: (c) => String(c.gradAccumulation), label: (c) => `accum ${c.gradAccumulation}` },
  { key: 'clipNorm', value: (c) => String(c.clipNorm), label: (c) => `clip ${shortNumber(c.clipNorm)}` },
];

/** "3 Dec 15:40", with the year when it is not this year's. */
export function shortDate(iso: string, options: NameOptions = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const zone = options.timeZone ? { timeZone: options.timeZone } : {};
  const part = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { ...o, ...zone }).format(date);
  const year = part({ year: 'numeric' });
  const thisYear = new Intl.DateTimeFormat('en-GB', { year: 'numeric', ...zone }).format(options.now ?? new Date());
  const time = part({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${part({ day: 'numeric' })} ${part({ month: 'short' })}${year === thisYear ? '' : ` ${year}`} ${time}`;
}

/**
 * Generated names of every subject, by id. Subjects are compared with the others on their dataset:
 * a setting appears in a name when it is one of the loss's own knobs or when they disagree on it.
 * Subjects whose names would still be equal (same settings, same minute) get " · #2", " · #3"...
 * in creation order. `datasetName` returns undefined for a dataset that is gone.
 */
export function generatedNames(subjects: readonly NameSubject[], datasetName: (datasetId: string) => string | undefined, options: NameOptions = {}): Map<string, string> {
  const byDataset = new Map<string, NameSubject[]>();
  for (const s of subjects) byDataset.set(s.datasetId, [...(byDataset.get(s.datasetId) ?? []), s]);
  const names = new Map<string, string>();
  for (const [datasetId, group] of byDataset) {
    const varies = (value: (c: RunConfig) => string) => new Set(group.map((s) => value(s.config))).size > 1;
    const varying = new Set(FIELDS.filter((f) => varies(f.value)).map((f) => f.key));
    const shapeVaries = varies((c) => builtinShape(c.model));
    const plain: Array<[NameSubject, string]> = group.map((s) => {
      const model = modelLabel(s.config.model) + (shapeVaries && !s.config.model.pretrained ? ` ${builtinShape(s.config.model)}` : '');
      // C means nothing to a single baseline run: it trains no ablated copies.
      const meaningless = (key: string) => key === 'ablations' && s.kind === 'run' && s.config.loss === 'baseline';
      const settings = FIELDS.filter((f) => !meaningless(f.key) && (f.always?.(s) || varying.has(f.key))).map((f) => f.label(s.config));
      const parts = [datasetName(datasetId) ?? 'deleted dataset', ...(s.kind === 'adhoc' ? ['ad hoc'] : []), model, settings.join(' '), shortDate(s.createdAt, options)];
      return [s, parts.filter(Boolean).join(' · ')];
    });
    const seen = new Map<string, NameSubject[]>();
    for (const [s, name] of plain) seen.set(name, [...(seen.get(name) ?? []), s]);
    for (const [s, name] of plain) {
      const twins = [...seen.get(name)!].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      names.set(s.id, twins.length > 1 && twins[0] !== s ? `${name} · #${twins.indexOf(s) + 1}` : name);
    }
  }
  return names;
}

/** A run's stored name as the services write it by default (main/services/comparison-service.ts). */
export function isDefaultRunName(run: { name: string; loss: string; seed: number }, datasetName: string | undefined): boolean {
  const base = `${run.loss} · seed ${run.seed}`;
  return run.name === base || (datasetName !== undefined && run.name === `${base} · ${datasetName}`);
}

/** What a run is within its comparison: "comparative · seed 2". */
export const runRole = (run: { loss: string; seed: number }) => `${run.loss} · seed ${run.seed}`;

export interface NamingInput {
  datasets: ReadonlyArray<{ id: string; name: string }>;
  comparisons: ReadonlyArray<{ id: string; datasetId: string; config: RunConfig; createdAt: string; name?: string | null; kind?: 'seeded' | 'adhoc' }>;
  runs: ReadonlyArray<{ id: string; datasetId: string; comparisonId: string | null; name: string; loss: string; seed: number; config: RunConfig; createdAt: string }>;
}

export interface HistoryNames {
  comparison(id: string): string | undefined;
  /** The run's full name: its rename, or "<comparison name> · comparative · seed 2". */
  run(id: string): string | undefined;
  /** True when a person renamed the run (its name is not the generated one). */
  renamed(id: string): boolean;
}

/**
 * Every comparison's and run's display name. A seeded run is named after the comparison it belongs
 * to; a single run after its own settings among the others on its dataset. Renames win.
 */
export function historyNames(input: NamingInput, options: NameOptions = {}): HistoryNames {
  const datasetName = new Map(input.datasets.map((d) => [d.id, d.name]));
  const comparisonIds = new Set(input.comparisons.map((c) => c.id));
  const single = input.runs.filter((r) => !r.comparisonId || !comparisonIds.has(r.comparisonId));
  const subjects: NameSubject[] = [
    ...input.comparisons.map((c) => ({ id: c.id, datasetId: c.datasetId, config: c.config, createdAt: c.createdAt, kind: c.kind ?? 'seeded' })),
    ...single.map((r) => ({ id: r.id, datasetId: r.datasetId, config: r.config, createdAt: r.createdAt, kind: 'run' as const })),
  ];
  const generated = generatedNames(subjects, (id) => datasetName.get(id), options);
  const custom = new Map(input.comparisons.filter((c) => c.name?.trim()).map((c) => [c.id, c.name!.trim()]));
  const comparison = (id: string) => custom.get(id) ?? generated.get(id);
  const runs = new Map(input.runs.map((r) => [r.id, r]));
  const renamed = (id: string) => {
    const r = runs.get(id);
    return r !== undefined && !isDefaultRunName(r, datasetName.get(r.datasetId));
  };
  return {
    comparison,
    renamed,
    run: (id) => {
      const r = runs.get(id);
      if (!r) return undefined;
      if (renamed(id)) return r.name;
      const owner = r.comparisonId && comparisonIds.has(r.comparisonId) ? comparison(r.comparisonId) : generated.get(r.id);
      return owner ? `${owner} · ${runRole(r)}` : r.name;
    },
  };
}
