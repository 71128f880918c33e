// Headless entry: `npm run cli -- <command>`, over the same services as the app and browser mode.
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import type { Channel, EventPayload, RequestOf, ResponseOf } from '../../shared/contract';
import type { ImportOptions } from '../../shared/dataset-report';
import { formatError, type AppErrorValue } from '../../shared/errors';
import type { RunConfigPatch } from '../../shared/schemas';
import { openServices, type Services } from '../services';
import { resolveDataDir } from '../services/data-dir';
import type { PresetName } from '../services/presets';
import { forkTrainerLauncher } from '../training/node-launcher';
import type { QueuePlacement } from '../remote/queue-placement';
import { QUEUE_OPTIONS, queueFromFlags } from './queue-flags';
import { waitFor } from './wait-for';
import { USAGE } from './usage';
import { comparisonText, datasetText, runDetailText, utilityText } from './format';
import { attachCommand } from './attach-command';
import { predictCommand } from './predict-command';
import { pretrainCommand } from './pretrain-command';
import { modelsCommand } from './models-command';
import { HISTORY_COMMANDS, HISTORY_OPTIONS, historyCommand, runIdList } from './history-commands';
import { RUN_CONTROL_COMMANDS, runControlCommand, type RunControlCommand } from './run-control-commands';
import { COMPARISON_SEED_COMMANDS, comparisonSeedCommand, type ComparisonSeedCommand } from './comparison-seed-commands';
import { estimateText } from '../../shared/durations';

class UsageError extends Error {}


class CliFailure extends Error {
  constructor(readonly value: AppErrorValue) {
    super(value.message);
  }
}

async function call<C extends Channel>(services: Services, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await services.dispatch(channel, request);
  if (!result.ok) throw new CliFailure(result.error);
  return result.value as ResponseOf<C>;
}

const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${v}"`);
  return n;
};

function configPatch(v: Record<string, string | boolean | undefined>): RunConfigPatch {
  const patch: RunConfigPatch = {
    ablations: num(v.ablations as string, 'ablations'),
    seed: num(v.seed as string, 'seed'),
    epochs: num(v.epochs as string, 'epochs'),
    temperature: num(v.temperature as string, 'temperature'),
    dropout: num(v.dropout as string, 'dropout'),
    learningRate: num(v.lr as string, 'lr'),
    batchSize: num(v['batch-size'] as string, 'batch-size'),
    maxTrainExamples: num(v['max-train'] as string, 'max-train'),
    crops: num(v.crops as string, 'crops'),
    hingeWeight: num(v.lambda as string, 'lambda'),
    gradAccumulation: num(v['grad-accum'] as string, 'grad-accum'),
    earlyStoppingPatience: num(v.patience as string, 'patience'),
    keepCheckpoints: num(v['keep-checkpoints'] as string, 'keep-checkpoints'),
  };
  if (v.target) patch.target = v.target as RunConfigPatch['target'];
  if (v.loss) patch.loss = v.loss as RunConfigPatch['loss'];
  if (v.backend) patch.backend = v.backend as RunConfigPatch['backend'];
  if (v.objective) patch.objective = v.objective as RunConfigPatch['objective'];
  if (v.primary) patch.primary = v.primary as RunConfigPatch['primary'];
  if (v['selection-metric']) patch.selectionMetric = v['selection-metric'] as RunConfigPatch['selectionMetric'];
  if (v.sequential) patch.batchedAblations = false;
  // A folder or a cached hub id; the services resolve it to a folder (docs/models.md).
  if (typeof v.model === 'string') patch.model = { pretrained: v.model };
  return Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined)) as RunConfigPatch;
}

/** `--dataset` accepts a dataset id, a file path (imported, or found again by content hash), an embedded name (`imdb`, `spam`, `squad`, `squad-long`), or nothing (the embedded IMDB sample). */
async function resolveDataset(services: Services, ref: string | undefined, options: ImportOptions = {}) {
  if (!ref || ref === 'embedded' || ref === 'imdb') return call(services, 'datasets.importEmbedded', {});
  if (ref === 'spam' || ref === 'squad' || ref === 'squad-long') return call(services, 'datasets.importEmbedded', { name: ref });
  if (existsSync(ref)) return importPath(services, ref, options);
  return (await call(services, 'datasets.preview', { id: ref, limit: 1 })).dataset;
}

async function importPath(services: Services, path: string, options: ImportOptions = {}) {
  // By path: the services detect the encoding, read Parquet and stream big CSV/TSV files.
  const { resolve } = await import('node:path');
  const absolute = resolve(path);
  let lastShown = 0;
  const stop = services.onEvent((name, payload) => {
    if (name !== 'dataset.importProgress') return;
    const p = payload as EventPayload<'dataset.importProgress'>;
    if (p.path !== absolute || Date.now() - lastShown < 1000) return;
    lastShown = Date.now();
    process.stderr.write(`  importing ${path}: ${Math.round((100 * p.bytes) / Math.max(1, p.totalBytes))}% · ${p.rows} rows\n`);
  });
  try {
    const summary = await call(services, 'datasets.importPath', { path: absolute, options });
    // Errors name the file as the person typed it, not the absolute path used inside.
    return summary;
  } catch (e) {
    if (e instanceof CliFailure && e.value.location?.file.startsWith(absolute)) {
      throw new CliFailure({ ...e.value, location: { ...e.value.location, file: path + e.value.location.file.slice(absolute.length) } });
    }
    throw e;
  } finally {
    stop();
  }
}

function importOptions(v: Record<string, string | boolean | undefined>): ImportOptions {
  const options: ImportOptions = {};
  if (typeof v['text-column'] === 'string') options.textColumn = v['text-column'];
  if (typeof v['text-pair-column'] === 'string') options.textPairColumn = v['text-pair-column'];
  if (typeof v['label-column'] === 'string') options.labelColumn = v['label-column'];
  if (typeof v.task === 'string') options.task = v.task as ImportOptions['task'];
  if (v['skip-bad-rows'] === true) options.skipBadRows = true;
  if (v['strip-html'] === true) options.stripHtml = true;
  const testShare = num(v['test-share'] as string | undefined, 'test-share');
  if (testShare !== undefined) options.testFraction = testShare;
  const distractors = num(v['qa-distractors'] as string | undefined, 'qa-distractors');
  if (distractors !== undefined) options.qaDistractors = distractors;
  return options;
}

/** Progress on stderr, at most one line per run every 2 s, so stdout stays clean for --json. */
function printProgress(services: Services): () => void {
  const last = new Map<string, number>();
  const lastShown = new Map<string, string>();
  return services.onEvent((name, payload) => {
    if (name === 'run.progress') {
      const p = payload as EventPayload<'run.progress'>;
      const now = Date.now();
      if (now - (last.get(p.runId) ?? 0) < 2000 && p.step < p.totalSteps) return;
      last.set(p.runId, now);
      const s = p.samples[p.samples.length - 1];
      const eta = p.etaMs === null ? '' : ` · ${Math.ceil(p.etaMs / 1000)} s left`;
      process.stderr.write(`  ${p.runId} step ${p.step}/${p.totalSteps} · epoch ${p.epoch.toFixed(2)} · loss ${s?.loss.toFixed(4) ?? '?'}${eta}\n`);
    } else if (name === 'run.status') {
      const p = payload as EventPayload<'run.status'>;
      // A phase event (evaluating, pausing…) repeats the status: print what changed, not "running" again.
      const shown = `${p.status}${p.phase && p.phase !== 'training' ? ` · ${p.phase}` : ''}`;
      const previous = lastShown.get(p.runId);
      lastShown.set(p.runId, shown);
      if (shown === previous || (shown === p.status && previous?.startsWith(`${p.status} · `))) return;
      process.stderr.write(`  ${p.runId} ${shown}${p.backend ? ` (backend ${p.backend})` : ''}${p.error ? `: ${p.error}` : ''}\n`);
    }
  });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      'data-dir': { type: 'string' },
      preset: { type: 'string' },
      dataset: { type: 'string' },
      loss: { type: 'string' },
      ablations: { type: 'string' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      epochs: { type: 'string' },
      target: { type: 'string' },
      temperature: { type: 'string' },
      dropout: { type: 'string' },
      lr: { type: 'string' },
      'batch-size': { type: 'string' },
      'max-train': { type: 'string' },
      'text-column': { type: 'string' },
      'text-pair-column': { type: 'string' },
      'label-column': { type: 'string' },
      task: { type: 'string' },
      'skip-bad-rows': { type: 'boolean', default: false },
      'strip-html': { type: 'boolean', default: false },
      'test-share': { type: 'string' },
      'qa-distractors': { type: 'string' },
      backend: { type: 'string' },
      crops: { type: 'string' },
      objective: { type: 'string' },
      primary: { type: 'string' },
      lambda: { type: 'string' },
      'grad-accum': { type: 'string' },
      patience: { type: 'string' },
      'keep-checkpoints': { type: 'string' },
      'selection-metric': { type: 'string' },
      sequential: { type: 'boolean', default: false },
      run: { type: 'string' },
      model: { type: 'string' },
      input: { type: 'string' },
      revision: { type: 'string' },
      steps: { type: 'string' },
      texts: { type: 'string' },
      'sequence-length': { type: 'string' },
      'mask-probability': { type: 'string' },
      'whole-word': { type: 'boolean', default: false },
      'no-dropout': { type: 'boolean' },
      'summary-weight': { type: 'string' },
      'from-scratch': { type: 'string' },
      resume: { type: 'string' },
      'vocab-size': { type: 'string' },
      ...QUEUE_OPTIONS,
      ...HISTORY_OPTIONS,
    },
  });
  const [command, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (!['import', 'train', 'compare', 'attach', 'show', 'predict', 'pretrain', 'models', 'export', ...HISTORY_COMMANDS, ...RUN_CONTROL_COMMANDS, ...COMPARISON_SEED_COMMANDS].includes(command)) throw new UsageError(`Unknown command "${command}".`);
  const preset = (values.preset ?? 'default') as PresetName;
  if (preset !== 'default' && preset !== 'quick') throw new UsageError('--preset must be default or quick');
  const out = (value: unknown, text: string) => process.stdout.write(values.json ? JSON.stringify(value, null, 2) + '\n' : text);
  // --queue: runs train on remote workers (npm run worker) through BullMQ on that Redis (docs/workers.md).
  let placement: QueuePlacement | null;
  try {
    placement = await queueFromFlags(values);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const services = openServices({ dataDir: resolveDataDir({ argv, env: process.env }), launcher: placement?.launcher ?? forkTrainerLauncher, transport: 'cli', preset, ...(placement ? { queue: placement } : {}) });
  const stopProgress = values.json ? () => {} : printProgress(services);
  const interrupt = (signal: NodeJS.Signals) => {
    process.stderr.write('\nStopping: unfinished runs are marked interrupted and can be resumed; an import in progress is removed.\n');
    void services.close().then(() => process.exit(signal === 'SIGTERM' ? 143 : 130));
  };
  process.once('SIGINT', interrupt);
  // `kill <pid>` stops the same way: an import in flight is cancelled and its rows deleted (services close).
  process.once('SIGTERM', interrupt);
  try {
    if (command === 'attach') {
      return await attachCommand({
        call: (channel, request) => call(services, channel, request),
        out,
        adopted: services.adopted,
        queue: placement?.address.shown ?? null,
        usage: (message) => {
          throw new UsageError(message);
        },
        waitFor: (done) => waitFor(services, done),
        comparisonText,
        runText: runDetailText,
      });
    }
    if (command === 'predict') return await predictCommand(services, { run: values.run, model: values.model, input: values.input, json: values.json, backend: values.backend });
    if (command === 'pretrain') {
      const dataset = values.dataset === undefined ? undefined : await resolveDataset(services, values.dataset, importOptions(values));
      return await pretrainCommand({
        call: (channel, request) => call(services, channel, request),
        services,
        datasetId: dataset?.id,
        json: values.json,
        values,
        usage: (message) => {
          throw new UsageError(message);
        },
        print: out,
      });
    }
    if (command === 'models') {
      return await modelsCommand({
        call: (channel, request) => call(services, channel, request),
        out,
        usage: (message) => {
          throw new UsageError(message);
        },
        services,
        args: positionals.slice(1),
        revision: values.revision,
      });
    }
    if ((HISTORY_COMMANDS as readonly string[]).includes(command)) {
      return await historyCommand(command as (typeof HISTORY_COMMANDS)[number], {
        call: (channel, request) => call(services, channel, request),
        out,
        usage: (message) => {
          throw new UsageError(message);
        },
        values,
        args: positionals.slice(1),
      });
    }
    if ((RUN_CONTROL_COMMANDS as readonly string[]).includes(command)) {
      return await runControlCommand(command as RunControlCommand, arg, {
        call: (channel, request) => call(services, channel, request),
        out,
        usage: (message) => {
          throw new UsageError(message);
        },
        waitForRun: (done) => waitFor(services, done),
        runText: runDetailText,
      });
    }
    if ((COMPARISON_SEED_COMMANDS as readonly string[]).includes(command)) {
      return await comparisonSeedCommand(command as ComparisonSeedCommand, positionals.slice(1), values.seeds, {
        call: (channel, request) => call(services, channel, request),
        out,
        usage: (message) => {
          throw new UsageError(message);
        },
        waitFor: (done) => waitFor(services, done),
        comparisonText,
      });
    }
    if (command === 'export') {
      const format = values.format;
      if (!arg || (format !== 'huggingface' && format !== 'tfjs') || (values.out !== undefined && typeof values.out !== 'string')) {
        throw new UsageError('export needs a run id and --format huggingface|tfjs (--out <folder> optional: default <data dir>/exports/<run-id>-<format>)');
      }
      // No --out: the services pick <data dir>/exports/<run-id>-<format>, as for the app's Export button.
      const folder = typeof values.out === 'string' ? resolvePath(values.out) : undefined;
      const exported = await call(services, 'runs.export', { runId: arg, format, ...(folder ? { folder } : {}) });
      out(exported, `Exported run ${arg} (${format}) to ${exported.folder}: ${exported.files.join(', ')}\n`);
      return 0;
    }
    if (command === 'import') {
      if (!arg) throw new UsageError('import needs a file: npm run cli -- import data.csv');
      const d = await importPath(services, arg, importOptions(values));
      const report = await call(services, 'datasets.report', { id: d.id });
      // The issue's keys first; the rest of the summary (format, columns chosen, counts) after them.
      const { id, rows, columns, task, labels, splits, ...rest } = d;
      out({ id, rows, columns, task, labels, splits, ...rest }, datasetText(d));
      // Skipped rows and report findings go to stderr: stdout stays the dataset (or its JSON).
      const { relative } = await import('node:path');
      for (const skipped of report?.skipped ?? []) process.stderr.write(`${relative(process.cwd(), skipped.file)}:${skipped.line}:${skipped.column}: skipped: ${skipped.reason}\n`);
      const unlisted = (report?.skippedCount ?? 0) - (report?.skipped.length ?? 0);
      if (unlisted > 0) process.stderr.write(`and ${unlisted} more skipped row(s), not listed\n`);
      for (const issue of report?.issues ?? []) if (issue.kind !== 'skipped_rows') process.stderr.write(`${issue.severity}: ${issue.message} (${issue.count} row(s))\n`);
    } else if (command === 'show') {
      if (!arg) throw new UsageError('show needs a run id (see `runs`)');
      const d = await call(services, 'runs.get', { id: arg });
      out(d, runDetailText(d));
    } else if (command === 'train') {
      if (values.loss !== 'baseline' && values.loss !== 'comparative') throw new UsageError('train needs --loss baseline|comparative');
      const dataset = await resolveDataset(services, values.dataset, importOptions(values));
      const run = await call(services, 'runs.start', { datasetId: dataset.id, config: configPatch(values) });
      await waitFor(services, async () => ['completed', 'failed', 'cancelled', 'interrupted'].includes((await call(services, 'runs.get', { id: run.id })).run.status));
      const d = await call(services, 'runs.get', { id: run.id });
      out(d, runDetailText(d));
      return d.run.status === 'completed' ? 0 : 1;
    } else if (typeof values.runs === 'string') {
      // Ad-hoc: finished runs from the history, no training.
      const c = await call(services, 'comparisons.create', { runIds: runIdList(values.runs), ...(values.name ? { name: values.name } : {}) });
      const d = await call(services, 'comparisons.get', { id: c.id });
      const { dataset } = await call(services, 'datasets.preview', { id: c.datasetId, limit: 1 });
      out(d, comparisonText(d, dataset));
      return 0;
    } else {
      const dataset = await resolveDataset(services, values.dataset, importOptions(values));
      const seeds = num(values.seeds, 'seeds');
      const request = { datasetId: dataset.id, seeds, config: configPatch(values) };
      process.stderr.write(`${estimateText(await call(services, 'comparisons.estimate', request))}\n`);
      const c = await call(services, 'comparisons.start', request);
      process.stderr.write(`Comparison ${c.id}: ${c.runIds.length} runs (${c.seeds.length} seeds x baseline/comparative)\n`);
      await waitFor(services, async () => (await call(services, 'comparisons.get', { id: c.id })).comparison.status !== 'running');
      const d = await call(services, 'comparisons.get', { id: c.id });
      // The utility per drop / crop level, so the comparison's answer includes how the arms degrade.
      const { utility } = await call(services, 'comparisons.analysis', { id: c.id });
      out({ ...d, utility }, comparisonText(d, dataset) + utilityText(utility));
      return d.comparison.status === 'completed' ? 0 : 1;
    }
    return 0;
  } finally {
    stopProgress();
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    await services.close();
  }
}

/** The exit codes listed in USAGE. */
function exitCodeOf(code: AppErrorValue['code']): number {
  if (code === 'bad_input' || code === 'invalid_request' || code === 'not_found') return 2;
  return code === 'conflict' || code === 'unavailable' ? 3 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof CliFailure) {
      process.stderr.write(formatError(e.value) + '\n');
      process.exit(exitCodeOf(e.value.code));
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`comparo: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
