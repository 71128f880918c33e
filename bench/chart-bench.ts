// Time to draw a 2-run x 100k-point line chart in headless Chromium with uPlot (the library
// renderer/components/LineChart.tsx wraps), for bench/index.ts. Needs a Chromium-family browser,
// found as the end-to-end tests find it (test/helpers/find-browser.ts), driven by playwright-core.
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

import { findThisBrowser, NO_BROWSER_HELP } from '../test/helpers/find-browser';

const requireHere = createRequire(import.meta.url);

// Runs in the page. A string, not a function: tsx's name-keeping helper (__name) would be
// compiled into a function and does not exist in the page.
const PAGE_SCRIPT = `async (points, draws) => {
  // Two runs' loss curves: x = step, y = a noisy decreasing walk, like a real loss.
  const x = Array.from({ length: points }, (_, i) => i);
  const curve = (seed) => {
    let y = 1 + seed;
    return x.map((i) => (y = Math.max(0.01, y * 0.99999 + Math.sin(i * 0.37 + seed) * 0.01)));
  };
  const data = [x, curve(0), curve(1)];
  const options = {
    width: 1000, height: 400, scales: { x: { time: false } },
    series: [{}, { label: 'baseline', stroke: 'blue' }, { label: 'comparative', stroke: 'red' }],
  };
  const target = document.getElementById('chart');
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const ms = [];
  for (let i = 0; i < draws + 1; i++) {
    await frame();
    const began = performance.now();
    const plot = new uPlot(options, data, target);
    await frame();
    if (i > 0) ms.push(performance.now() - began); // the first draw also compiles uPlot's code
    plot.destroy();
  }
  return ms;
}`;

/** Median ms from `new uPlot(...)` to the next painted frame, over `draws` fresh charts. */
export async function chartDraw(points = 100_000, draws = 5): Promise<Record<string, unknown>> {
  const browserPath = findThisBrowser();
  if (!browserPath) return { available: false, reason: NO_BROWSER_HELP };
  const browser = await chromium.launch({ executablePath: browserPath, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.setContent('<!doctype html><html><body><div id="chart"></div></body></html>');
    await page.addStyleTag({ path: requireHere.resolve('uplot/dist/uPlot.min.css') });
    await page.addScriptTag({ path: requireHere.resolve('uplot/dist/uPlot.iife.min.js') });
    const timings = (await page.evaluate(`(${PAGE_SCRIPT})(${points}, ${draws})`)) as number[];
    const sorted = [...timings].sort((a, b) => a - b);
    return { available: true, runs: 2, pointsPerRun: points, draws, medianMs: +sorted[Math.floor(sorted.length / 2)].toFixed(1), minMs: +sorted[0].toFixed(1), maxMs: +sorted.at(-1)!.toFixed(1), chromium: browser.version() };
  } finally {
    await browser.close();
  }
}
