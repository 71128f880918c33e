// Settings a task needs that differ from the classification-shaped defaults of shared/schemas.ts,
// applied wherever the person did not set them (main/ipc/handlers.ts, before the epochs are sized
// to the data). Question answering reads a question and a whole paragraph: run_qa's window of 384
// tokens (stride 128, qaStride 0 = a third), batches of 16 as the reference readers use, one
// context crop so CmpCrop alternates with CmpDrop (docs/method.md "Question answering"), and
// checkpoints chosen on token F1, the SQuAD leaderboard's headline.
import type { RunConfig, RunConfigPatch } from './schemas';
import type { DatasetTask } from './tasks';

export const TASK_RUN_DEFAULTS: Readonly<Partial<Record<DatasetTask, RunConfigPatch>>> = {
  qa: { maxLength: 384, batchSize: 16, crops: 1, selectionMetric: 'f1' },
};

/** `config` with the task's defaults for every field the person's patch left unset. */
export function withTaskDefaults(config: RunConfig, patch: RunConfigPatch | undefined, task: DatasetTask | undefined): RunConfig {
  const defaults = task === undefined ? undefined : TASK_RUN_DEFAULTS[task];
  if (!defaults) return config;
  const unset = Object.entries(defaults).filter(([field]) => patch?.[field as keyof RunConfigPatch] === undefined);
  return unset.length === 0 ? config : { ...config, ...Object.fromEntries(unset) };
}
