// What a remote worker (main/worker/) has, recorded with each run it trains so the history says
// where a number came from. Pure zod (layering test).
import { z } from 'zod';
import { BackendNameSchema } from './vocabulary';

export const WorkerInfoSchema = z.object({
  /** `host:pid`, unique among live workers. */
  id: z.string().min(1).max(300),
  host: z.string().max(255),
  codeVersion: z.string().max(100),
  /** The fastest backend its trainers can load (main/kernels/backends.ts order). */
  backend: BackendNameSchema,
  cores: z.number().int().min(1),
  memoryBytes: z.number().int().min(0),
  concurrency: z.number().int().min(1),
});
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;

/** Where new runs train, and who is there (Settings -> Workers; channels workers.*). */
export const WorkersStateSchema = z.object({
  placement: z.enum(['local', 'queue']),
  /** The queue's URL with its password hidden; null when runs train here. */
  queue: z.string().nullable(),
  /** Workers alive on that queue now (each refreshes its entry while it runs). */
  workers: z.array(WorkerInfoSchema),
  /** Why the queue cannot be reached right now, if it cannot. */
  problem: z.string().nullable(),
});
export type WorkersState = z.infer<typeof WorkersStateSchema>;

/** Bounded: a URL, not a document. */
export const WorkersConnectSchema = z.object({ url: z.string().min(1).max(2048) });
