// Messages between the services and the predictor process (main/inference/predictor-process.ts).
import type { AppErrorValue } from '../../shared/errors';
import type { ModelSource } from './model-source';
import type { PreferredColumns } from './prediction-file';
import type { PredictInput } from './predictor';
import type { InferenceResult } from './run-inference';

export type ParentToPredictor =
  | {
      type: 'predict';
      requestId: number;
      source: ModelSource;
      inputs: PredictInput[];
      /** Raw encoders: the first token's final hidden state instead of (unavailable) logits. */
      output: 'predictions' | 'clsHidden';
    }
  | {
      /** A whole file: parsed, predicted and written back as CSV in the child, so none of it runs on the services' loop. */
      type: 'predictFile';
      requestId: number;
      source: ModelSource;
      fileName: string;
      content: string;
      columns: PreferredColumns;
    };

export interface FileResult {
  csv: string;
  rows: number;
  loadMs: number;
  predictMs: number;
}

export type PredictorToParent =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; requestId: number; done: number; total: number }
  | ({ type: 'result'; requestId: number } & InferenceResult)
  | ({ type: 'fileResult'; requestId: number } & FileResult)
  /** `appError`: a problem with the input a person can fix (bad_input with file:line:column). */
  | { type: 'error'; requestId: number; message: string; appError?: AppErrorValue };
