// Prediction speed through the services, as the Playground and "Predict a file" use them: a run
// of the default model trained on the embedded IMDB sample, then
//  - single texts over 'predict.text' (predictor process, model cached): median / p95 ms, both
//    the round trip the UI sees and the model time alone;
//  - one file of `--rows` reviews over 'predict.file': rows per second, and the services' event
//    loop delay meanwhile (max / p99, perf_hooks.monitorEventLoopDelay; and over 5 s idle, for
//    the machine's own noise): parsing, inference and the CSV all run in the predictor process.
// Run: npx tsx bench/predict-latency.ts [--rows 2000] [--texts 50] [--epochs 1]. Prints ONE JSON object.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Papa from 'papaparse';
import { openServices } from '../main/services';
import { forkTrainerLauncher } from '../main/training/node-launcher';
import type { RunPrediction } from '../shared/predict';
import type { Result } from '../shared/errors';
import { tempDir } from '../test/helpers/temp-dir';
import { argument } from './bench-step';

const value = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
};
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const rows = Number(argument('rows') ?? 2000);
const textCount = Number(argument('texts') ?? 50);
const dir = tempDir('comparo-bench-predict-');
const services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'cli' });
try {
  const dataset = value<{ id: string }>(await services.dispatch('datasets.importEmbedded', {}));
  const run = value<{ id: string }>(
    await services.dispatch('runs.start', { datasetId: dataset.id, config: { epochs: Number(argument('epochs') ?? 1), utilityLevels: 0, loss: 'baseline', model: { pretrained: 'builtin' } } }),
  );
  await new Promise<void>((resolve, reject) => {
    const off = services.onEvent((name, payload) => {
      const p = payload as { runId: string; status: string; error: string | null };
      if (name !== 'run.status' || p.runId !== run.id) return;
      if (p.status === 'completed') (off(), resolve());
      else if (!['queued', 'running', 'paused'].includes(p.status)) (off(), reject(new Error(`run ${p.status}: ${p.error}`)));
    });
  });
  const reviews = readFileSync('assets/datasets/imdb-reviews-2k.csv', 'utf8');
  const texts = Papa.parse<Record<string, string>>(reviews, { header: true, skipEmptyLines: true }).data.map((r) => r.text ?? Object.values(r)[0]);

  // The first call starts the predictor process and loads the model: reported on its own.
  let started = performance.now();
  value(await services.dispatch('predict.text', { runIds: [run.id], text: texts[0] }));
  const firstCallMs = performance.now() - started;
  const roundTrip: number[] = [];
  let backend: string | null = null;
  const modelOnly: number[] = [];
  for (let i = 0; i < textCount; i++) {
    started = performance.now();
    const { results } = value<{ results: RunPrediction[] }>(await services.dispatch('predict.text', { runIds: [run.id], text: texts[(i + 1) % texts.length] }));
    roundTrip.push(performance.now() - started);
    if (results[0].ok) {
      modelOnly.push(results[0].ms);
      backend = results[0].backend ?? null;
    }
  }

  const content = Papa.unparse({ fields: ['text'], data: Array.from({ length: rows }, (_, i) => [texts[i % texts.length]]) });
  // The same monitor over an idle stretch: on a shared machine the OS alone delays the loop.
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, 5000));
  idle.disable();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpuBefore = process.cpuUsage();
  started = performance.now();
  const file = value<{ rows: number }>(await services.dispatch('predict.file', { runId: run.id, fileName: 'reviews.csv', content }));
  const fileMs = performance.now() - started;
  delay.disable();
  // CPU this (services) process spent meanwhile: its own work, as opposed to waiting for a core.
  const cpu = process.cpuUsage(cpuBefore);

  console.log(
    JSON.stringify({
      bench: 'predict-latency',
      model: 'default (dim 64, 1 layer, maxLength 128), IMDB 2k',
      backend,
      singleText: {
        firstCallMs: Math.round(firstCallMs),
        roundTripMedianMs: +quantile(roundTrip, 0.5).toFixed(2),
        roundTripP95Ms: +quantile(roundTrip, 0.95).toFixed(2),
        modelMedianMs: +quantile(modelOnly, 0.5).toFixed(2),
        n: textCount,
      },
      file: {
        rows: file.rows,
        ms: Math.round(fileMs),
        rowsPerSecond: Math.round((file.rows / fileMs) * 1000),
        eventLoopDelayMaxMs: +(delay.max / 1e6).toFixed(1),
        eventLoopDelayP99Ms: +(delay.percentile(99) / 1e6).toFixed(1),
        servicesCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        idleEventLoopDelayMaxMs: +(idle.max / 1e6).toFixed(1),
        idleEventLoopDelayP99Ms: +(idle.percentile(99) / 1e6).toFixed(1),
      },
    }),
  );
} finally {
  await services.close();
  dir.cleanup();
}
