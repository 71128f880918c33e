// The services' side of the predictor process: started on the first request, kept while in use
// (its cache of loaded models is the point), stopped after a quiet spell so an idle app does not
// hold model memory, restarted on the next request. A crash fails the requests in flight with a
// message and the next request starts a fresh process.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError } from '../../shared/errors';
import { checkPredictorMessage, type PredictOutput } from '../../shared/predictor-protocol';
import type { ModelSource } from './model-source';
import type { PreferredColumns } from './prediction-file';
import type { PredictInput } from './predictor';
import type { FileResult, ParentToPredictor } from './predictor-protocol';
import type { InferenceResult } from './run-inference';

const here = path.dirname(fileURLToPath(import.meta.url));
const IDLE_EXIT_MS = 5 * 60_000;

export interface PredictorClientOptions {
  /** Built predictor entry (Electron passes out/main/predictor.js); default: the one beside this file. */
  entry?: string;
  backend?: string;
  idleExitMs?: number;
}

/** Distributes a request over the union without the requestId the client assigns. */
type Request = ParentToPredictor extends infer M ? (M extends ParentToPredictor ? Omit<M, 'requestId'> : never) : never;

interface Pending {
  resolve(result: InferenceResult | FileResult): void;
  reject(error: Error): void;
  onProgress?: (done: number, total: number) => void;
}

function defaultEntry(): { entry: string; execArgv: string[] } {
  const built = path.join(here, 'predictor-process.js');
  if (existsSync(built)) return { entry: built, execArgv: [] };
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { entry: path.join(here, 'predictor-process.ts'), execArgv: ['--import', tsxLoader] };
}

export class PredictorClient {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Backend the current process reported ('wasm', 'tensorflow', ...), null before it is ready. */
  backend: string | null = null;

  constructor(private readonly options: PredictorClientOptions = {}) {}

  predict(source: ModelSource, inputs: PredictInput[], output: PredictOutput = 'predictions', onProgress?: (done: number, total: number) => void): Promise<InferenceResult> {
    return this.request({ type: 'predict', source, inputs, output }, onProgress) as Promise<InferenceResult>;
  }

  /** A whole file parsed, predicted and written as CSV in the child; bad input rejects with an AppError (file:line:column). */
  predictFile(source: ModelSource, fileName: string, content: string, columns: PreferredColumns, onProgress?: (done: number, total: number) => void): Promise<FileResult> {
    return this.request({ type: 'predictFile', source, fileName, content, columns }, onProgress) as Promise<FileResult>;
  }

  private request(request: Request, onProgress?: (done: number, total: number) => void): Promise<InferenceResult | FileResult> {
    const child = this.ensureChild();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, onProgress });
      child.send({ ...request, requestId } as ParentToPredictor);
    });
  }

  /** Stops the process (if any); requests in flight fail. */
  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    this.failAll('the predictor was stopped');
  }

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const fallback = this.options.entry ? { entry: this.options.entry, execArgv: [] } : defaultEntry();
    const child = fork(fallback.entry, [this.options.backend ?? 'auto'], {
      execArgv: fallback.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    child.on('message', (raw) => this.onMessage(child, raw));
    child.on('error', () => undefined); // a failed spawn also emits 'exit', handled there
    child.once('exit', (code, signal) => {
      // A child already let go (closed, or replaced after a bad message) had its requests failed then;
      // the requests now pending may belong to its successor.
      if (this.child !== child) {
        if (this.child === null) this.backend = null;
        return;
      }
      this.child = null;
      this.backend = null;
      this.failAll(`the predictor process ${signal ? `was killed (${signal})` : `exited with code ${code}`}; try again`);
    });
    return child;
  }

  private onMessage(child: ChildProcess, raw: unknown): void {
    const checked = checkPredictorMessage(raw);
    if (!checked.ok) {
      // A predictor that talks nonsense cannot be trusted with the other requests either: replace it.
      if (this.child === child) {
        this.child = null;
        this.backend = null;
      }
      child.kill('SIGKILL');
      this.failAll(checked.problem);
      return;
    }
    const message = checked.message;
    if (message.type === 'ready') {
      this.backend = message.backend;
      return;
    }
    const pending = this.pending.get(message.requestId);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.done, message.total);
      return;
    }
    this.pending.delete(message.requestId);
    if (message.type === 'error') {
      const { appError } = message;
      pending.reject(appError ? new AppError(appError.code, appError.message, appError.location) : new Error(message.message));
    } else {
      const { type: _type, requestId: _id, ...result } = message;
      pending.resolve(result);
    }
    if (this.pending.size === 0) this.scheduleIdleExit();
  }

  private scheduleIdleExit(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), this.options.idleExitMs ?? IDLE_EXIT_MS);
    // A CLI or test must be able to exit while the predictor idles.
    this.idleTimer.unref();
  }

  private failAll(reason: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new Error(reason));
  }
}
