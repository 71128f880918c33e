// `npm run cli -- import <file|folder> --json`, the import command's contract: the summary keys on
// stdout and exit 0; on bad input exit 2 with `file:line:column: message` on stderr, no stack.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'comparo-import-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli import', () => {
  it('imports a folder with train/dev/test files and prints {id, rows, columns, task, labels, splits}', () => {
    const r = cli('import', 'test/fixtures/import/glue-sst2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(Object.keys(d).slice(0, 6)).toEqual(['id', 'rows', 'columns', 'task', 'labels', 'splits']);
    expect(d).toMatchObject({ rows: 13, columns: ['sentence', 'label'], task: 'classification', labels: ['0', '1'], splits: { train: 8, validation: 2, test: 3 } });
  });

  it('exits 2 with file:line:column: message on stderr and no stack trace', () => {
    const r = cli('import', 'test/fixtures/import/unterminated-quote.csv', '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^test\/fixtures\/import\/unterminated-quote\.csv:3:1: unterminated quoted field/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists skipped rows on stderr with --skip-bad-rows and still imports', () => {
    const r = cli('import', 'test/fixtures/import/bad-rows.csv', '--json', '--skip-bad-rows');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(4);
    expect(r.stderr).toContain('test/fixtures/import/bad-rows.csv:4:1: skipped: empty text in column "text"');
  });
});
