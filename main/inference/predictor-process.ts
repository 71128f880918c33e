// Entry of the predictor process: the services' event loop never runs a model, nor parses or
// writes a prediction file. Holds the cache of loaded models between requests and answers one
// request at a time (they share one CPU core and one tfjs backend; interleaving them would only
// make each slower). Protocol: main/inference/predictor-protocol.ts. argv[2]: the backend
// preference ('auto' by default).
import { AppError } from '../../shared/errors';
import { checkPredictRequest, requestIdOf } from '../../shared/predictor-protocol';
import { selectBackend, type BackendPreference } from '../kernels/backends';
import { predictionsCsv, readInputTable } from './prediction-file';
import { PredictorCache } from './predictor-cache';
import type { ParentToPredictor, PredictorToParent } from './predictor-protocol';
import { runInference } from './run-inference';

const cache = new PredictorCache();

function send(message: PredictorToParent): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

const describe = (error: unknown) => (error instanceof Error ? error.message || error.name : String(error));

const backendReady = selectBackend((process.argv[2] as BackendPreference | undefined) ?? 'auto');
let queue: Promise<void> = backendReady.then((backend) => send({ type: 'ready', backend }));

async function handle(message: ParentToPredictor): Promise<void> {
  const { requestId } = message;
  const progress = (done: number, total: number) => send({ type: 'progress', requestId, done, total });
  try {
    if (message.type === 'predict') {
      const result = await runInference(cache, message.source, message.inputs, message.output, progress);
      await send({ type: 'result', requestId, ...result });
      return;
    }
    const table = readInputTable(message.fileName, message.content, message.columns);
    const result = await runInference(cache, message.source, table.inputs, 'predictions', progress);
    if (!result.predictions) throw new Error('this model has no fine-tuned head: it gives hidden states, not labels, so there is no CSV of predictions to write');
    const csv = predictionsCsv(table, result.predictions, result.labelNames, result.task === 'regression');
    await send({ type: 'fileResult', requestId, csv, rows: table.inputs.length, loadMs: result.loadMs, predictMs: result.predictMs });
  } catch (error) {
    await send({ type: 'error', requestId, message: describe(error), ...(error instanceof AppError ? { appError: error.toValue() } : {}) });
  }
}

process.on('message', (raw) => {
  const checked = checkPredictRequest(raw);
  if (!checked.ok) {
    // Answered when it names its request (the caller is waiting for it); otherwise nobody waits.
    const requestId = requestIdOf(raw);
    if (requestId !== null) {
      const answer = () => send({ type: 'error', requestId, message: checked.problem });
      queue = queue.then(answer, answer);
    }
    else process.stderr.write(`comparo predictor: ${checked.problem}\n`);
    return;
  }
  const message = checked.message;
  queue = queue.then(() => handle(message), () => handle(message));
});
// The parent went away: nobody is waiting for answers.
process.on('disconnect', () => process.exit(0));
backendReady.catch((error) => {
  process.stderr.write(`comparo predictor: ${describe(error)}\n`);
  process.exit(1);
});
