// config.json fields every family shares: what the fine-tuned head predicts (labels, problem
// type) and which transformers class saved it. Each family's schema adds its own size fields.
import { z } from 'zod';

export const ProblemTypeSchema = z.enum(['single_label_classification', 'regression', 'multi_label_classification']);
export type ProblemType = z.infer<typeof ProblemTypeSchema>;

export const headConfigFields = {
  id2label: z.record(z.string(), z.string()).optional(),
  label2id: z.record(z.string(), z.number().int()).optional(),
  num_labels: z.number().int().positive().optional(),
  problem_type: ProblemTypeSchema.nullable().optional(),
  architectures: z.array(z.string()).optional(),
};

export const positiveInt = z.number().int().positive();
export const probability = z.number().min(0).max(1);
