// One prediction request against the cache, in chunks so a long file reports progress. Used by
// the predictor process and, in-process, by the CLI (a one-shot command has no event loop to keep
// responsive).
import type { InferenceResult, PredictOutput } from '../../shared/predictor-protocol';
import type { ModelSource } from './model-source';
import { sourceKey } from './model-source';
import { loadPredictor } from './load-predictor';
import type { PredictorCache } from './predictor-cache';
import type { PredictInput, Prediction } from './predictor';

/** Inputs per chunk between progress reports: big enough to batch well, small enough to report often. */
const CHUNK = 256;

/** Predictions (or hidden states) with timing (shared/predictor-protocol.ts). */
export type { InferenceResult };

export async function runInference(
  cache: PredictorCache,
  source: ModelSource,
  inputs: readonly PredictInput[],
  output: PredictOutput,
  onProgress: (done: number, total: number) => void | Promise<void> = () => {},
): Promise<InferenceResult> {
  const loadStart = performance.now();
  const cached = cache.has(sourceKey(source));
  const predictor = await cache.get(sourceKey(source), () => loadPredictor(source));
  const loadMs = performance.now() - loadStart;
  const wantHidden = output === 'clsHidden' || !predictor.hasHead;
  if (wantHidden && !predictor.clsHidden) throw new Error(`${predictor.description} gives no hidden states.`);
  const started = performance.now();
  const predictions: Prediction[] = [];
  const hidden: number[][] = [];
  for (let start = 0; start < inputs.length; start += CHUNK) {
    const chunk = inputs.slice(start, start + CHUNK);
    if (wantHidden) hidden.push(...predictor.clsHidden!(chunk));
    else predictions.push(...predictor.predict(chunk));
    if (inputs.length > CHUNK) await onProgress(Math.min(inputs.length, start + CHUNK), inputs.length);
  }
  return {
    predictions: wantHidden ? null : predictions,
    clsHidden: wantHidden ? hidden : null,
    labelNames: [...predictor.labelNames],
    task: predictor.task,
    hasHead: predictor.hasHead,
    cached,
    loadMs,
    predictMs: performance.now() - started,
  };
}
