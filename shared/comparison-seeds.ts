// Requests that train more of an existing seeded comparison: again for seeds whose runs did not
// complete, or for new seeds. Both use the comparison's stored config (main/services/comparison-service.ts).
import { z } from 'zod';

/** At most this many seeds are added at once (as many as comparisons.start takes): each is two full training runs. */
export const MAX_ADDED_SEEDS = 10;

export const ComparisonRerunSchema = z.object({
  id: z.string().min(1),
  /** Seeds of the comparison whose cancelled, failed or interrupted runs train again from step 0. */
  seeds: z.array(z.number().int()).min(1),
});
export type ComparisonRerun = z.infer<typeof ComparisonRerunSchema>;

export const ComparisonAddSeedsSchema = z.object({
  id: z.string().min(1),
  /** How many seeds to add: the next ones after the comparison's largest. */
  count: z.number().int().min(1).max(MAX_ADDED_SEEDS),
});
export type ComparisonAddSeeds = z.infer<typeof ComparisonAddSeedsSchema>;
