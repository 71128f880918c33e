// Messages between the services and the predictor process (main/inference/predictor-process.ts).
// They are zod schemas in shared/predictor-protocol.ts (both ends parse what they receive); this
// file re-exports their types under the names the inference code uses.
export type { FileResult, ParentToPredictor, PredictorToParent } from '../../shared/predictor-protocol';
