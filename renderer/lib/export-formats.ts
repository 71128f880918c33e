// Which export formats a run's "Export model" control offers. Hugging Face only for runs fine-tuned
// from a pretrained folder: the built-in model's architecture (sigmoid GELU, mean pooling, no
// pooler) is not one transformers knows, and the services refuse it (main/pretrained/export-run.ts).
import type { RunSummary } from '../../shared/schemas';
import { EXPORT_FORMAT_NAMES, type ExportFormat } from '../../shared/vocabulary';

export type { ExportFormat };
export const FORMAT_NAMES = EXPORT_FORMAT_NAMES;

export function exportFormats(run: Pick<RunSummary, 'config'>): ExportFormat[] {
  return run.config.model.pretrained ? ['huggingface', 'tfjs'] : ['tfjs'];
}
