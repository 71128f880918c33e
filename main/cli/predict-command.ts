// `npm run cli -- predict (--run <id> | --model <folder|run-id>) --input <file> [--json]`: one
// result per input line. Runs the model in this process: a one-shot command has no event loop
// to keep responsive, and skipping the predictor process saves its start-up.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, formatError, type AppErrorValue } from '../../shared/errors';
import type { DatasetPreview, RunDetail } from '../../shared/schemas';
import { fileVersion, type ModelSource, runModelSource } from '../inference/model-source';
import { readInputTable } from '../inference/prediction-file';
import { PredictorCache } from '../inference/predictor-cache';
import { runInference } from '../inference/run-inference';
import { decodeBytes } from '../services/import/decode';
import type { Services } from '../services';
import { selectBackend, type BackendPreference } from '../kernels/backends';

export const PREDICT_USAGE = `  predict (--run <id> | --model <folder|run-id>) --input <file.jsonl|csv|tsv> [--json]
                                         per input line ({"text": ...} or {"text": ..., "text_pair": ...}):
                                         logits, label, probabilities; a raw pretrained folder gives cls_hidden;
                                         a question answering run reads {"question": ..., "context": ...} and gives
                                         answer ("" = no answer), answer_start, no_answer_probability`;

export interface PredictOptions {
  run?: string;
  model?: string;
  input?: string;
  json?: boolean;
  backend?: string;
}

async function unwrap<T>(services: Services, channel: string, request: unknown): Promise<T> {
  const result = await services.dispatch(channel, request);
  if (!result.ok) throw new AppError(result.error.code, result.error.message, result.error.location);
  return result.value as T;
}

async function resolveSource(services: Services, options: PredictOptions): Promise<ModelSource> {
  const ref = options.model ?? options.run!;
  if (options.model !== undefined && existsSync(ref) && statSync(ref).isDirectory()) {
    const config = join(ref, 'config.json');
    return { kind: 'folder', path: ref, version: existsSync(config) ? fileVersion(config) : '' };
  }
  const { run } = await unwrap<RunDetail>(services, 'runs.get', { id: ref }).catch((e: unknown) => {
    if (options.model !== undefined && e instanceof AppError && e.code === 'not_found') {
      throw new AppError('not_found', `${ref} is neither a model folder nor a run id (list runs with \`runs\`).`);
    }
    throw e;
  });
  const { dataset } = await unwrap<DatasetPreview>(services, 'datasets.preview', { id: run.datasetId, limit: 1 });
  return runModelSource(run, dataset, services.dataDir);
}

function textLine(index: number, text: string, result: Record<string, unknown>): string {
  const excerpt = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  if ('cls_hidden' in result) return `${index + 1}\t[${(result.cls_hidden as number[]).length} values]\t${excerpt}\n`;
  if ('answer' in result) return `${index + 1}\t${result.answer === '' ? '(no answer)' : result.answer}\t${excerpt}\n`;
  const probabilities = result.probabilities as Record<string, number>;
  const p = probabilities[result.label as string];
  return `${index + 1}\t${result.label}${p === undefined ? '' : ` (${p.toFixed(3)})`}\t${excerpt}\n`;
}

/** Returns the exit code; errors are printed here (bad input: file:line:column, exit 2). */
export async function predictCommand(services: Services, options: PredictOptions): Promise<number> {
  const fail = (error: AppErrorValue, code: number) => {
    process.stderr.write(formatError(error) + '\n');
    return code;
  };
  if ((options.run === undefined) === (options.model === undefined)) {
    return fail({ code: 'invalid_request', message: 'predict needs one of --run <id> or --model <folder|run-id>' }, 2);
  }
  if (!options.input) return fail({ code: 'invalid_request', message: 'predict needs --input <file.jsonl>' }, 2);
  try {
    let bytes: Buffer;
    try {
      bytes = readFileSync(options.input);
    } catch (e) {
      throw new AppError('not_found', `Cannot read ${options.input}: ${(e as Error).message}`);
    }
    // Errors name the file as the person typed it.
    const table = readInputTable(options.input, decodeBytes(bytes).text);
    const source = await resolveSource(services, options);
    await selectBackend((options.backend ?? 'auto') as BackendPreference);
    const result = await runInference(new PredictorCache(), source, table.inputs, 'predictions');
    table.inputs.forEach((input, i) => {
      const p = result.predictions?.[i];
      const line = !p
        ? { cls_hidden: result.clsHidden![i] }
        : p.answer
          ? // A reader's answer: its text ('' = no answer), where it starts, and how sure the model is there is none.
            { answer: p.label, answer_start: p.answer.start, no_answer_probability: p.answer.noAnswerProbability, no_answer_threshold: p.answer.noAnswerThreshold }
          : { logits: p.logits, label: p.label, probabilities: p.probabilities, ...(p.value !== undefined ? { value: p.value } : {}) };
      process.stdout.write(options.json ? JSON.stringify(line) + '\n' : textLine(i, input.text, line));
    });
    return 0;
  } catch (e) {
    if (e instanceof AppError) return fail(e.toValue(), ['bad_input', 'invalid_request', 'not_found'].includes(e.code) ? 2 : 1);
    return fail({ code: 'internal', message: `predict failed: ${(e as Error).message}` }, 1);
  }
}
