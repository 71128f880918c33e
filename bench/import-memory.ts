// Peak memory and event-loop delay of big imports, through the CLI and through browser mode's
// streamed upload (shared/contract.ts UPLOAD_ROUTE, main/web/upload.ts). Not part of CI.
// Run: npx tsx bench/import-memory.ts [--json] [--scale 1] [--only cli,server]
// Generates under a temporary folder (removed afterwards): a 1 GB CSV of long texts, a CSV of
// 10M short rows and a 100 MB CSV (--scale 0.1 makes them ten times smaller). Then, per file:
// - cli: `node --import tsx main/cli/index.ts --data-dir <fresh> import <file>` under
//   `/usr/bin/time -v` (its "Maximum resident set size");
// - server: a fresh `main/web/index.ts` under `/usr/bin/time -v`, with bench/event-loop-probe.ts
//   loaded into it; the file is POSTed to the upload route as a stream, and the server's own
//   event-loop delay (perf_hooks.monitorEventLoopDelay) is read for the upload (until the last
//   byte is sent) and for the import (from then until the answer).
// Prints ONE JSON object with --json, else the same object pretty-printed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../shared/random';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';
const WORDS = 'the a film movie plot actor great terrible boring wonderful story ending scene music slow fast funny sad really not'.split(' ');
const LABELS = ['positive', 'negative', 'neutral'];
const STEP_DEADLINE_MS = 9 * 60_000;

const argument = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};

interface FileSpec {
  name: string;
  /** Stop after this many bytes or rows, whichever comes first. */
  bytes: number;
  rows: number;
  words: [number, number];
}

async function generate(path: string, spec: FileSpec): Promise<{ bytes: number; rows: number }> {
  const random = mulberry32(7);
  const out = createWriteStream(path);
  let chunk = 'text,label\n';
  let bytes = 0;
  let rows = 0;
  while (rows < spec.rows && bytes < spec.bytes) {
    const n = spec.words[0] + Math.floor(random() * (spec.words[1] - spec.words[0] + 1));
    let text = '';
    for (let w = 0; w < n; w++) text += (w ? ' ' : '') + WORDS[Math.floor(random() * WORDS.length)];
    const line = `${text} ${rows},${LABELS[Math.floor(random() * LABELS.length)]}\n`;
    chunk += line;
    bytes += line.length;
    rows++;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  await new Promise<void>((r) => out.end(chunk, () => r()));
  return { bytes: statSync(path).size, rows };
}

function maxRssMb(timeOutput: string): number {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeOutput);
  return m ? +(Number(m[1]) / 1024).toFixed(0) : NaN;
}

function cliImport(file: string, work: string): Record<string, unknown> {
  const dataDir = mkdtempSync(join(work, 'cli-'));
  const timeFile = join(work, 'cli-time.txt');
  const started = performance.now();
  const r = spawnSync(TIME, ['-v', '-o', timeFile, process.execPath, '--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, 'import', file], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: STEP_DEADLINE_MS,
    maxBuffer: 16 << 20,
  });
  const seconds = +((performance.now() - started) / 1000).toFixed(1);
  rmSync(dataDir, { recursive: true, force: true });
  const summary = /^(d-\w+ .*)$/m.exec(r.stdout ?? '')?.[1];
  return { exit: r.status, seconds, peakRssMb: maxRssMb(readFileSync(timeFile, 'utf8')), summary: summary ?? (r.stderr ?? '').slice(-500) };
}

interface Server {
  time: ChildProcess;
  node: number;
  origin: string;
  token: string;
  timeFile: string;
  probeFile: string;
}

async function startServer(work: string): Promise<Server> {
  const dataDir = mkdtempSync(join(work, 'server-'));
  const timeFile = join(work, 'server-time.txt');
  const probeFile = join(work, 'probe.jsonl');
  rmSync(probeFile, { force: true });
  const time = spawn(TIME, ['-v', '-o', timeFile, process.execPath, '--import', 'tsx', '--import', './bench/event-loop-probe.ts', 'main/web/index.ts', '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, COMPARO_LOOP_PROBE_FILE: probeFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server printed no URL in 90 s:\n${log}`)), 90_000);
    const onData = (c: Buffer) => {
      log += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    time.stdout!.on('data', onData);
    time.stderr!.on('data', onData);
    time.once('exit', () => reject(new Error(`server exited:\n${log}`)));
  });
  // SIGUSR2 must reach node itself, the child of /usr/bin/time.
  const node = Number(spawnSync('ps', ['-o', 'pid=', '--ppid', String(time.pid)], { encoding: 'utf8' }).stdout.trim());
  return { time, node, origin: url[1], token: url[2], timeFile, probeFile };
}

/** Asks the probe for the delay since the last mark and waits for its line. */
async function mark(server: Server): Promise<Record<string, number>> {
  const before = existsSync(server.probeFile) ? readFileSync(server.probeFile, 'utf8').split('\n').filter(Boolean).length : 0;
  process.kill(server.node, 'SIGUSR2');
  const deadline = Date.now() + STEP_DEADLINE_MS;
  while (Date.now() < deadline) {
    const lines = existsSync(server.probeFile) ? readFileSync(server.probeFile, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length > before) return JSON.parse(lines[lines.length - 1]) as Record<string, number>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the event-loop probe did not answer');
}

async function serverUpload(file: string, work: string): Promise<Record<string, unknown>> {
  const server = await startServer(work);
  try {
    await mark(server);
    const size = statSync(file).size;
    const started = performance.now();
    let uploadMark: Promise<Record<string, number>> | undefined;
    let uploadSeconds = 0;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.origin}/api/upload?name=${encodeURIComponent(file.split('/').pop()!)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/octet-stream', 'content-length': size },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.setTimeout(STEP_DEADLINE_MS, () => req.destroy(new Error('upload timed out')));
      const source = createReadStream(file, { highWaterMark: 1 << 20 });
      source.on('end', () => {
        uploadSeconds = (performance.now() - started) / 1000;
        uploadMark = mark(server);
      });
      source.pipe(req);
    });
    const upload = await uploadMark!;
    const importing = await mark(server);
    const reply = JSON.parse(answer.body) as { ok: boolean; value?: { rows: number }; error?: { message: string } };
    const seconds = (performance.now() - started) / 1000;
    return {
      status: answer.status,
      rows: reply.value?.rows ?? reply.error?.message,
      uploadSeconds: +uploadSeconds.toFixed(1),
      importSeconds: +(seconds - uploadSeconds).toFixed(1),
      eventLoopMs: { upload, import: importing },
      ...(await stopServer(server)),
    };
  } catch (e) {
    await stopServer(server);
    throw e;
  }
}

async function stopServer(server: Server): Promise<{ peakRssMb: number; exit: number | null }> {
  if (server.time.exitCode === null) {
    const exited = new Promise<number | null>((r) => server.time.once('exit', (code) => r(code)));
    process.kill(server.node, 'SIGTERM');
    const exit = await exited;
    return { peakRssMb: maxRssMb(readFileSync(server.timeFile, 'utf8')), exit };
  }
  return { peakRssMb: maxRssMb(readFileSync(server.timeFile, 'utf8')), exit: server.time.exitCode };
}

async function main(): Promise<void> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed for peak RSS (apt-get install time)`);
  const scale = Number(argument('scale', '1'));
  const only = argument('only', 'cli,server').split(',');
  const specs: FileSpec[] = [
    { name: '1gb.csv', bytes: scale * 1e9, rows: Infinity, words: [40, 80] },
    { name: '10m-rows.csv', bytes: Infinity, rows: scale * 1e7, words: [1, 2] },
    { name: '100mb.csv', bytes: scale * 1e8, rows: Infinity, words: [8, 24] },
  ];
  const work = mkdtempSync(join(tmpdir(), 'comparo-import-memory-'));
  const results: Record<string, unknown>[] = [];
  try {
    for (const spec of specs) {
      const file = join(work, spec.name);
      const generated = await generate(file, spec);
      const entry: Record<string, unknown> = { file: spec.name, mb: +(generated.bytes / 1e6).toFixed(0), rows: generated.rows };
      // The 100 MB file is there for the upload's event-loop delay; the CLI is measured on the big two.
      if (only.includes('cli') && spec.name !== '100mb.csv') entry.cli = cliImport(file, work);
      if (only.includes('server')) entry.server = await serverUpload(file, work);
      results.push(entry);
      rmSync(file, { force: true });
      process.stderr.write(`${JSON.stringify(entry)}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const report = { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, scale, results };
  console.log(process.argv.includes('--json') ? JSON.stringify(report) : JSON.stringify(report, null, 2));
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
