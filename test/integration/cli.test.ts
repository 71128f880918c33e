import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.cleanup());

/** Runs the real CLI as a person would (`npm run cli -- ...` is `tsx main/cli/index.ts ...`). */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir.path, 'data'), ...args], {
    encoding: 'utf8',
    timeout: 150_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI', () => {
  it('exits 2 on bad input with file:line:column and no stack trace', () => {
    const file = join(dir.path, 'ragged.csv');
    writeFileSync(file, 'text,label\ngood film,pos\nbad film,neg,extra\n');
    const r = cli('import', file, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: `, 'm'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('exits 2 with the usage on an unknown command', () => {
    const r = cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown command "frobnicate"/);
  });

  it('imports a file and prints JSON', () => {
    const file = join(dir.path, 'tiny.tsv');
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2 ? 'a truly great film' : 'a dull, bad film'} number ${i}\t${i % 2 ? 'pos' : 'neg'}`);
    writeFileSync(file, ['sentence\tlabel', ...rows].join('\n') + '\n');
    const r = cli('import', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ rows: 40, format: 'tsv', textColumn: 'sentence', labelColumn: 'label', labelCounts: { neg: 20, pos: 20 } });
  });

  it('trains a comparative run, then lists and shows it', () => {
    const r = cli('train', '--loss', 'comparative', '--ablations', '2', '--crops', '1', '--objective', 'primary_hinge', '--primary', 'avg', '--seed', '7', '--epochs', '1', '--preset', 'quick', '--json');
    expect(r.code, r.stderr).toBe(0);
    const detail = JSON.parse(r.stdout);
    expect(detail.run).toMatchObject({ status: 'completed', loss: 'comparative', seed: 7 });
    expect(detail.run.config).toMatchObject({ ablations: 2, crops: 1, objective: 'primary_hinge', primary: 'avg' });
    // One drop and one crop alternate into three copies: l0 (full), crop 1, crop 1 + drop 1, crop... per the doc.
    expect(detail.metrics.some((m: { name: string }) => m.name === 'l2')).toBe(true);
    expect(detail.utility.length).toBeGreaterThan(0);
    expect(detail.run.backend).toBeTruthy();
    const runs = cli('runs', '--json');
    expect(JSON.parse(runs.stdout).map((x: { id: string }) => x.id)).toContain(detail.run.id);
    const show = cli('show', detail.run.id);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/status: completed/);
    expect(show.stdout).toMatch(/accuracy: 0\.\d{4}/);
    expect(show.stdout).toMatch(/neuronal utility \(drop, accuracy by level k\): k0=/);
  });
});
