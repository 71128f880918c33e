// Both ends of the trainer protocol refuse what does not parse (shared/trainer-protocol.ts): the run
// service fails the one run with a message naming the field and keeps serving (scripted trainers,
// real SQLite), and a real trainer process answers a malformed request with 'error' and exits 1.
// The predictor process (shared/predictor-protocol.ts) answers a malformed request with 'error'.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { ParentToTrainer, TrainerToParent } from '../../main/training/protocol';
import type { DatasetSummary, RunSummary } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { ScriptedTrainer, scriptedLauncher } from '../helpers/scripted-trainer';
import { tempDir } from '../helpers/temp-dir';

describe('the run service and malformed trainer messages', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  async function setup(): Promise<{ services: Services; trainers: ScriptedTrainer[]; dataset: DatasetSummary }> {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const trainers: ScriptedTrainer[] = [];
    const services = openServices({
      dataDir: dir.path,
      transport: 'cli',
      launcher: scriptedLauncher(trainers),
    });
    const dataset = value<DatasetSummary>(await services.dispatch('datasets.importEmbedded', {}));
    return { services, trainers, dataset };
  }

  const getRun = async (services: Services, id: string) => value<{ run: RunSummary }>(await services.dispatch('runs.get', { id })).run;

  /** The trainer is stopped when its run fails: the scripted one records the kill as an exit. */
  function watchExit(t: ScriptedTrainer): { exited: boolean } {
    const seen = { exited: false };
    const kill = t.kill.bind(t);
    t.kill = () => {
      seen.exited = true;
      kill();
    };
    return seen;
  }

  async function failsWith(say: (t: ScriptedTrainer) => void, error: RegExp): Promise<void> {
    const { services, trainers, dataset } = await setup();
    const bad = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id }));
    const first = trainers[0];
    const stopped = watchExit(first);
    first.say({ type: 'ready', backend: 'wasm' });
    say(first);
    const failed = await getRun(services, bad.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(error);
    expect(stopped.exited).toBe(true);
    // Anything the stopped trainer still sends is ignored: the run stays failed.
    first.say({ type: 'done', metrics: { accuracy: 1 }, elapsedMs: 1, msPerStep: 1 });
    expect((await getRun(services, bad.id)).status).toBe('failed');

    // The service keeps working: the next run trains to the end.
    const good = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id }));
    const second = trainers[1];
    expect(second.started?.runId).toBe(good.id);
    second.say({ type: 'ready', backend: 'wasm' });
    second.say({ type: 'eval', step: 1, epoch: 1, metrics: { accuracy: 0.8, loss: 0.4 }, best: true });
    second.say({ type: 'done', metrics: { accuracy: 0.8, loss: 0.4 }, elapsedMs: 10, msPerStep: 10, bestStep: 1 });
    second.exit(0, null);
    const done = await getRun(services, good.id);
    expect(done).toMatchObject({ status: 'completed', error: null, bestStep: 1 });
    expect(done.finalMetrics.accuracy).toBe(0.8);
    await services.close();
  }

  it('fails the run on a garbage message, naming the field, and trains the next run', async () => {
    await failsWith(
      (t) => t.say({ type: 'eval', step: 'two', epoch: 0.2, metrics: { accuracy: 0.5 } } as unknown as TrainerToParent),
      /^The trainer sent an invalid 'eval' message: step: .*expected number/,
    );
  });

  it('fails the run on a message of no known type', async () => {
    await failsWith((t) => t.say({ type: 'hello' } as unknown as TrainerToParent), /invalid 'hello' message: type: /);
  });

  it('fails the run on an evaluation with a NaN metric, naming the metric, and trains the next run', async () => {
    await failsWith(
      (t) => t.say({ type: 'eval', step: 2, epoch: 0.2, metrics: { accuracy: Number.NaN, loss: 0.7 } }),
      /non-finite number in its 'eval' message \(metrics\.accuracy = NaN\).*diverged/,
    );
  });

  it('fails the run on a progress sample with an infinite loss, naming it, and trains the next run', async () => {
    const sample = { step: 1, epoch: 0.1, loss: Number.POSITIVE_INFINITY, copyLosses: [0.7], cmpLoss: null };
    await failsWith(
      (t) => t.say({ type: 'progress', step: 1, totalSteps: 10, epoch: 0.1, elapsedMs: 5, etaMs: 50, samples: [sample] } as TrainerToParent),
      /non-finite number in its 'progress' message \(samples\[0\]\.loss = Infinity\)/,
    );
  });
});

describe('a trainer process sent a malformed message', () => {
  it("answers with 'error' naming the field and exits 1", async () => {
    const handle = forkTrainerLauncher('bad-start');
    const messages: TrainerToParent[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        handle.kill();
        reject(new Error(`trainer did not exit; got ${JSON.stringify(messages)}`));
      }, 60_000);
      handle.onMessage((m) => messages.push(m));
      handle.onExit((exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
      handle.send({ type: 'start', runId: 'bad-start', labelNames: ['a', 'b'] } as unknown as ParentToTrainer);
    });
    expect(code).toBe(1);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/^The parent sent an invalid 'start' message: config: /) });
  }, 90_000);
});

describe('a predictor process sent a malformed request', () => {
  it("answers that request with 'error' naming the field", async () => {
    const entry = join(dirname(fileURLToPath(import.meta.url)), '../../main/inference/predictor-process.ts');
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = fork(entry, ['cpu'], { execArgv: ['--import', tsx], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      const answer = new Promise<unknown>((resolve) => child.on('message', (m: { type?: string }) => m.type !== 'ready' && resolve(m)));
      child.send({ type: 'predict', requestId: 5, source: { kind: 'folder', version: '1' }, inputs: [], output: 'predictions' });
      expect(await answer).toEqual({ type: 'error', requestId: 5, message: expect.stringMatching(/^The services sent an invalid 'predict' message: source\.path: /) });
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
