// Migration 8: question answering predictions keep the predicted answer text and its token F1
// beside the exact match (predicted) column, and where the answer starts in the context (the
// same text can occur twice), so the examples view can highlight both arms' spans. NULL for every other task and for rows stored before it.
export const migration008 = {
  version: 8,
  name: 'answer-predictions',
  sql: `
ALTER TABLE predictions ADD COLUMN answer TEXT;
ALTER TABLE predictions ADD COLUMN f1 REAL;
ALTER TABLE predictions ADD COLUMN answer_start INTEGER;
`,
} as const;
