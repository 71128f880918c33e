// `rerun` and `add-seeds`: more training for a comparison Comparo trained, with its stored config
// (main/services/comparison-service.ts rerunSeeds / addSeeds). Both train in the foreground, like
// `compare`, then print the comparison's table over its complete seed pairs.
import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import { MAX_ADDED_SEEDS } from '../../shared/comparison-seeds';
import type { ComparisonDetail, DatasetSummary } from '../../shared/schemas';

export const COMPARISON_SEED_USAGE = `  rerun <comparison-id> [--seeds 4,5]    train a comparison's cancelled, failed or interrupted runs again from step 0
                                         (default: every seed that has one), then the table
  add-seeds <comparison-id> <N>          add N seeds (both arms, the comparison's config) after its largest, then the table`;

export const COMPARISON_SEED_COMMANDS = ['rerun', 'add-seeds'] as const;
export type ComparisonSeedCommand = (typeof COMPARISON_SEED_COMMANDS)[number];

export interface ComparisonSeedContext {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  out(value: unknown, text: string): void;
  usage(message: string): never;
  /** Resolves once `done` holds, re-checked on this process's run and comparison events. */
  waitFor(done: () => Promise<boolean>): Promise<void>;
  comparisonText(d: ComparisonDetail, dataset: DatasetSummary): string;
}

const RERUNNABLE = ['cancelled', 'failed', 'interrupted'];

/** "4,5" -> [4, 5]; anything else is a usage error naming the bad item. */
function seedList(text: string, ctx: ComparisonSeedContext): number[] {
  return text.split(',').map((item) => {
    const seed = Number(item.trim());
    if (item.trim() === '' || !Number.isInteger(seed)) ctx.usage(`--seeds must list whole seed numbers separated by commas, e.g. --seeds 4,5 (got "${item}")`);
    return seed;
  });
}

/** Exit code 0 when the comparison completed, 1 when it ended otherwise. */
export async function comparisonSeedCommand(
  command: ComparisonSeedCommand,
  args: readonly string[],
  seedsOption: string | undefined,
  ctx: ComparisonSeedContext,
): Promise<number> {
  const [id, countText] = args;
  if (!id) ctx.usage(`${command} needs a comparison id (the one \`compare\` printed: "Comparison c-…")`);
  let started;
  if (command === 'rerun') {
    const before = await ctx.call('comparisons.get', { id });
    const seeds = seedsOption !== undefined ? seedList(seedsOption, ctx) : [...new Set(before.runs.filter((r) => RERUNNABLE.includes(r.status)).map((r) => r.seed))];
    if (seeds.length === 0) ctx.usage(`comparison ${id} has no cancelled, failed or interrupted run to train again`);
    started = await ctx.call('comparisons.rerun', { id, seeds });
    process.stderr.write(`Comparison ${id}: training seed ${seeds.join(', ')} again\n`);
  } else {
    const count = Number(countText);
    if (!countText || !Number.isInteger(count) || count < 1 || count > MAX_ADDED_SEEDS) ctx.usage(`add-seeds needs a number of seeds from 1 to ${MAX_ADDED_SEEDS}: add-seeds ${id} 2`);
    started = await ctx.call('comparisons.addSeeds', { id, count });
    process.stderr.write(`Comparison ${id}: seeds ${started.seeds.slice(-count).join(', ')} added (${count * 2} runs)\n`);
  }
  await ctx.waitFor(async () => (await ctx.call('comparisons.get', { id })).comparison.status !== 'running');
  const detail = await ctx.call('comparisons.get', { id });
  const { dataset } = await ctx.call('datasets.preview', { id: started.datasetId, limit: 1 });
  ctx.out(detail, ctx.comparisonText(detail, dataset));
  return detail.comparison.status === 'completed' ? 0 : 1;
}
