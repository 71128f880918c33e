// Migration 5: wall-clock training time at each evaluation (ms spent in optimizer steps, not in
// setup or evaluation), for the compute-matched comparison view (metric against training
// seconds). NULL for evaluations stored before it: the view then uses step x measured ms per step.
export const migration005 = {
  version: 5,
  name: 'evaluation-wall-clock',
  sql: `
ALTER TABLE evaluations ADD COLUMN training_ms REAL;
`,
} as const;
