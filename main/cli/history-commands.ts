// History commands of the CLI: filter runs, rename, tag, delete (only with --yes), ad-hoc
// comparisons and report files. Each is a thin call of a contract channel, like the app's buttons.
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import { ReportFormatSchema, type ReportFormat, type RunFilter } from '../../shared/history';
import { historyNames } from '../../shared/run-names';
import type { RunStatus } from '../../shared/schemas';
import { runsText } from './format';

export const HISTORY_USAGE = `  runs [--search TEXT] [--tag T] [--status S] [--loss L] [--dataset ID] [--backend B]
                                         list runs, filtered (text matches name, id, dataset and tags); each
                                         named by what sets it apart: "imdb · built-in · C=2 p=0.1 · 3 Dec 15:40 · comparative · seed 2"
  rename <run-id|comparison-id> <name>   rename a run or a comparison
  tag <run-id> <tag...>                  add tags to a run (untag <run-id> <tag...> removes them)
  delete <run-id|comparison-id...> --yes delete runs (metrics, predictions, checkpoint files) or comparisons
                                         (--with-runs: a comparison's own runs too); without --yes, says what would go
  compare --runs <id,id,...> [--name N]  ad-hoc comparison of 2..20 finished runs, paired by seed where possible
  report <comparison-id> [--out F] [--format html|json|csv]
                                         one self-contained HTML report (or the metrics as JSON/CSV);
                                         the format follows --out's extension; without --out, to stdout`;

// 'runs' is here (not in index.ts) because its names come from the whole history (shared/run-names.ts).
export const HISTORY_COMMANDS = ['runs', 'rename', 'tag', 'untag', 'delete', 'report'] as const;

/** parseArgs options these commands add (merged into the CLI's option table). */
export const HISTORY_OPTIONS = {
  search: { type: 'string' },
  tag: { type: 'string' },
  status: { type: 'string' },
  runs: { type: 'string' },
  name: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  yes: { type: 'boolean', default: false },
  'with-runs': { type: 'boolean', default: false },
} as const;

export interface HistoryContext {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  out(value: unknown, text: string): void;
  usage(message: string): never;
  values: Record<string, string | boolean | undefined>;
  /** Positionals after the command name. */
  args: string[];
}

const isComparisonId = (id: string) => id.startsWith('c-');

export function runFilter(values: Record<string, string | boolean | undefined>): RunFilter {
  const filter: RunFilter = {};
  if (typeof values.search === 'string') filter.text = values.search;
  if (typeof values.tag === 'string') filter.tag = values.tag;
  if (typeof values.status === 'string') filter.status = values.status as RunStatus;
  // Unchecked here: the contract's schema refuses a bad status or loss with the allowed values.
  if (typeof values.loss === 'string') filter.loss = values.loss as RunFilter['loss'];
  if (typeof values.dataset === 'string') filter.datasetId = values.dataset;
  if (typeof values.backend === 'string') filter.backend = values.backend;
  return filter;
}

/** `--runs a,b,c` as ids; spaces after commas are allowed. */
export function runIdList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function reportFormat(values: HistoryContext['values'], usage: HistoryContext['usage']): ReportFormat {
  if (typeof values.format === 'string') {
    const parsed = ReportFormatSchema.safeParse(values.format);
    if (!parsed.success) usage(`--format must be html, json or csv, got "${values.format}"`);
    return parsed.data!;
  }
  if (typeof values.out !== 'string') return 'html';
  const ext = extname(values.out).slice(1).toLowerCase();
  const fromExt = ext === 'htm' ? 'html' : ext;
  const parsed = ReportFormatSchema.safeParse(fromExt);
  if (!parsed.success) usage(`Cannot tell the report format from "${values.out}": use a .html, .json or .csv file name, or --format.`);
  return parsed.data!;
}

export async function historyCommand(command: (typeof HISTORY_COMMANDS)[number], ctx: HistoryContext): Promise<number> {
  const { call, out, usage, values, args } = ctx;
  if (command === 'runs') {
    const runs = await call('runs.list', runFilter(values));
    // Names say what differs between comparisons, so they are computed among all of them, not only the listed runs.
    const [datasets, comparisons, all] = await Promise.all([call('datasets.list', {}), call('comparisons.list', {}), call('runs.list', {})]);
    const names = historyNames({ datasets, comparisons, runs: all });
    const named = runs.map((r) => ({ ...r, displayName: names.run(r.id) ?? r.name }));
    out(named, runsText(named.map((r) => ({ ...r, name: r.displayName }))));
    return 0;
  }
  if (command === 'report') {
    const [id] = args;
    if (!id) usage('report needs a comparison id (see the comparison list in the app, or `compare`)');
    const format = reportFormat(values, usage);
    const file = await call('comparisons.report', { id, format });
    if (typeof values.out !== 'string') {
      process.stdout.write(file.content);
      return 0;
    }
    const path = resolve(values.out);
    writeFileSync(path, file.content);
    const bytes = Buffer.byteLength(file.content);
    out({ path, format, bytes, suggestedName: file.fileName }, `Wrote ${values.out} (${format}, ${bytes.toLocaleString('en')} bytes)\n`);
    return 0;
  }
  if (command === 'rename') {
    const [id, ...words] = args;
    const name = words.join(' ');
    if (!id || !name) usage('rename needs an id and a name: rename r-1234abcd "dropout 0.2 try"');
    if (isComparisonId(id)) {
      const c = await call('comparisons.update', { id, name });
      out(c, `${c.id} is now "${c.name}"\n`);
    } else {
      const r = await call('runs.update', { id, name });
      out(r, `${r.id} is now "${r.name}"\n`);
    }
    return 0;
  }
  if (command === 'tag' || command === 'untag') {
    const [id, ...tags] = args;
    if (!id || tags.length === 0) usage(`${command} needs a run id and at least one tag: ${command} r-1234abcd paper`);
    const current = (await call('runs.list', {})).find((r) => r.id === id);
    // runs.get names the missing run in its error; runs.list would only come back empty.
    if (!current) await call('runs.get', { id });
    const before = current?.tags ?? [];
    const next = command === 'tag' ? [...before, ...tags] : before.filter((t) => !tags.includes(t));
    const r = await call('runs.update', { id, tags: next });
    out(r, `${r.id} tags: ${(r.tags ?? []).join(', ') || '(none)'}\n`);
    return 0;
  }
  // delete
  if (args.length === 0) usage('delete needs at least one run or comparison id');
  const comparisonIds = args.filter(isComparisonId);
  const runIds = args.filter((id) => !isComparisonId(id));
  const runs = await Promise.all(runIds.map((id) => call('runs.get', { id }).then((d) => d.run)));
  const comparisons = await Promise.all(comparisonIds.map((id) => call('comparisons.get', { id }).then((d) => d.comparison)));
  if (values.yes !== true) {
    const lines = [
      ...runs.map((r) => `  run ${r.id} "${r.name}" (${r.status}) with its metrics, evaluations, predictions, utility and checkpoint files`),
      ...comparisons.map((c) =>
        c.kind === 'adhoc' || values['with-runs'] !== true
          ? `  comparison ${c.id}${c.name ? ` "${c.name}"` : ''}; its ${c.runIds.length} runs stay in the history`
          : `  comparison ${c.id}${c.name ? ` "${c.name}"` : ''} and its ${c.runIds.length} runs: ${c.runIds.join(', ')}`,
      ),
    ];
    process.stderr.write(`Nothing deleted. This would delete:\n${lines.join('\n')}\nRun the same command with --yes to delete.\n`);
    return 2;
  }
  const deletedRuns = runIds.length > 0 ? await call('runs.delete', { ids: runIds }) : null;
  const deletedComparisons = [];
  for (const c of comparisons) deletedComparisons.push(await call('comparisons.delete', { id: c.id, deleteRuns: values['with-runs'] === true }));
  const runCount = (deletedRuns?.deleted.length ?? 0) + deletedComparisons.reduce((a, d) => a + (d.runs?.deleted.length ?? 0), 0);
  out(
    { runs: deletedRuns, comparisons: deletedComparisons },
    `Deleted ${runCount} run${runCount === 1 ? '' : 's'} and ${deletedComparisons.length} comparison${deletedComparisons.length === 1 ? '' : 's'}.\n`,
  );
  return 0;
}
