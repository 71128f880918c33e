// Loaded into a browser-mode server by bench/import-memory.ts (`node --import tsx --import
// ./bench/event-loop-probe.ts main/web/index.ts ...`): samples the server's own event-loop delay
// with perf_hooks.monitorEventLoopDelay, and on each SIGUSR2 appends the delay since the last
// SIGUSR2 (p50/p99/max in ms) as one JSON line to $COMPARO_LOOP_PROBE_FILE, then starts afresh.
// Not product code: the server runs unchanged, this only watches it.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const out = process.env.COMPARO_LOOP_PROBE_FILE;
if (out) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const ms = (ns: number) => +(ns / 1e6).toFixed(1);
  process.on('SIGUSR2', () => {
    histogram.disable();
    const sample = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), samples: histogram.count };
    appendFileSync(out, `${JSON.stringify(sample)}\n`);
    histogram.reset();
    histogram.enable();
  });
}
