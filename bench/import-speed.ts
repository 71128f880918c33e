// Import speed and memory for a generated 1M-row CSV, and the parse of the same rows as JSON Lines
// (the targets: at least 100 MB/s parse, bounded memory).
// Run: npx tsx bench/import-speed.ts [--rows 1000000]
// Prints ONE JSON object on stdout. Each phase runs in its own child process so its peak RSS
// (getrusage maxRSS) is its own: "parse" streams the file through decoding, tokenizing and row
// extraction; "import" is the whole streamed import into a fresh SQLite database; "parse-jsonl"
// streams the JSON Lines file the same way.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../main/db/connection';
import { DatasetsRepo } from '../main/db/datasets-repo';
import { DatasetService } from '../main/services/dataset-service';
import { streamDelimitedFile } from '../main/services/import/stream-file';
import { mulberry32 } from '../shared/random';

const argument = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};

const WORDS = 'the a film movie plot actor great terrible boring wonderful story ending scene music slow fast funny sad, "quoted" really not'.split(' ');

async function generate(path: string, jsonlPath: string, rows: number): Promise<void> {
  const random = mulberry32(1);
  const out = createWriteStream(path);
  const outJsonl = createWriteStream(jsonlPath);
  out.write('id,text,label\n');
  let chunk = '';
  let jsonlChunk = '';
  for (let i = 0; i < rows; i++) {
    const n = 8 + Math.floor(random() * 20);
    let text = '';
    for (let w = 0; w < n; w++) text += (w ? ' ' : '') + WORDS[Math.floor(random() * WORDS.length)];
    // Fields with commas or quotes are quoted, as any CSV writer does.
    const field = /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    const label = ['positive', 'negative', 'neutral'][Math.floor(random() * 3)];
    chunk += `${i},${field},${label}\n`;
    jsonlChunk += `${JSON.stringify({ id: i, text, label })}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      if (!outJsonl.write(jsonlChunk)) await new Promise<void>((r) => outJsonl.once('drain', () => r()));
      chunk = jsonlChunk = '';
    }
  }
  out.write(chunk);
  outJsonl.write(jsonlChunk);
  await Promise.all([out, outJsonl].map((o) => new Promise<void>((r) => o.end(() => r()))));
}

async function child(phase: string, file: string): Promise<void> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let rows = 0;
  if (phase === 'parse' || phase === 'parse-jsonl') {
    await streamDelimitedFile(file, (batch) => (rows += batch.length));
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'comparo-bench-'));
    const db = openDatabase(dir);
    try {
      // importLargeFile: the streamed path, whatever the generated size (importPath picks it above 32 MiB).
      const summary = await new DatasetService(new DatasetsRepo(db), '.').importLargeFile(file);
      rows = summary.rows;
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // CPU seconds too: on a shared machine wall time also measures the neighbours.
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const bytes = statSync(file).size;
  process.stdout.write(
    JSON.stringify({
      phase,
      rows,
      seconds: +seconds.toFixed(3),
      mb: +(bytes / 1e6).toFixed(1),
      mbPerSecond: +(bytes / 1e6 / seconds).toFixed(1),
      rowsPerSecond: Math.round(rows / seconds),
      cpuSeconds: +cpuSeconds.toFixed(3),
      mbPerCpuSecond: +(bytes / 1e6 / cpuSeconds).toFixed(1),
      peakRssMb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    }),
  );
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) return child(argument('child', 'parse'), argument('file', ''));
  const rows = Number(argument('rows', '1000000'));
  const dir = mkdtempSync(join(tmpdir(), 'comparo-import-speed-'));
  const file = join(dir, 'generated.csv');
  const jsonlFile = join(dir, 'generated.jsonl');
  try {
    await generate(file, jsonlFile, rows);
    const bytes = statSync(file).size;
    const self = fileURLToPath(import.meta.url);
    const phases = ['parse', 'parse-jsonl', 'import'].map((phase) => {
      const input = phase === 'parse-jsonl' ? jsonlFile : file;
      const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', phase, '--file', input], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${phase} failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as Record<string, number | string>;
    });
    console.log(JSON.stringify({ file: { rows, bytes, mb: +(bytes / 1e6).toFixed(1) }, node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadAverage: loadavg(), phases }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
