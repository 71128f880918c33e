// `attach --queue URL`: follow again the runs this data folder handed to that queue and stopped
// following (Comparo was closed, crashed or was killed while workers trained them), catching up on
// everything they reported meanwhile, and wait until they end; then print each comparison they
// belong to (or each run). The services do the following at opening (main/services/index.ts,
// RunService.adoptRemote); this command only waits and reports.
import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import type { ComparisonDetail, DatasetSummary, RunDetail } from '../../shared/schemas';
import { TERMINAL_RUN_STATUSES } from '../../shared/vocabulary';

export const ATTACH_USAGE = `  attach --queue <url>                   follow again the runs queued on remote workers that an earlier Comparo stopped
                                         following (closed, crashed), catch up on what they reported, wait until they end`;

export interface AttachContext {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  out(value: unknown, text: string): void;
  adopted: Promise<string[]>;
  queue: string | null;
  usage(message: string): never;
  waitFor(done: () => Promise<boolean>): Promise<void>;
  comparisonText(detail: ComparisonDetail, dataset: DatasetSummary): string;
  runText(detail: RunDetail): string;
}

export async function attachCommand(ctx: AttachContext): Promise<number> {
  if (!ctx.queue) ctx.usage('attach needs --queue <url>: the queue the runs were handed to');
  const ids = await ctx.adopted;
  if (ids.length === 0) {
    ctx.out({ runs: [], comparisons: [] }, `No interrupted runs of this data folder are still known to ${ctx.queue}.\n`);
    return 0;
  }
  process.stderr.write(`Following ${ids.length} run(s) on ${ctx.queue} again.\n`);
  const over = async () => {
    for (const id of ids) if (!TERMINAL_RUN_STATUSES.includes((await ctx.call('runs.get', { id })).run.status)) return false;
    return true;
  };
  await ctx.waitFor(over);
  const runs = await Promise.all(ids.map((id) => ctx.call('runs.get', { id })));
  const comparisonIds = [...new Set(runs.map((d) => d.run.comparisonId).filter((c): c is string => c !== null))];
  const comparisons: ComparisonDetail[] = [];
  let text = '';
  for (const id of comparisonIds) {
    // The comparison settles once its last run's status is stored.
    await ctx.waitFor(async () => (await ctx.call('comparisons.get', { id })).comparison.status !== 'running');
    const detail = await ctx.call('comparisons.get', { id });
    const { dataset } = await ctx.call('datasets.preview', { id: detail.comparison.datasetId, limit: 1 });
    comparisons.push(detail);
    text += ctx.comparisonText(detail, dataset);
  }
  for (const d of runs) if (d.run.comparisonId === null) text += ctx.runText(d);
  ctx.out({ runs: runs.map((d) => d.run), comparisons }, text);
  return runs.every((d) => d.run.status === 'completed') ? 0 : 1;
}
