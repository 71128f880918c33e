// The CLI side of question-answering import: a located refusal exits 2 with file:line:column,
// --qa-distractors reaches the importer, and --dataset squad / squad-long import the embedded
// SQuAD 2.0 excerpt (checked in the data folder's database once the CLI has exited).
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'comparo-qa-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONTEXT = 'Paris is the capital of France. It lies on the Seine.';

describe('cli import of question answering', () => {
  it('exits 2 with file:line:column when an answer is not in its context', () => {
    const path = join(dataDir, 'bad.jsonl');
    const bad = JSON.stringify({ question: 'Q?', context: CONTEXT, answers: 'Berlin' });
    writeFileSync(path, `${JSON.stringify({ question: 'Capital?', context: CONTEXT, answers: 'Paris' })}\n${bad}\n`);
    const r = cli('import', path, '--json');
    expect(r.code).toBe(2);
    const column = bad.indexOf('"Berlin"') + 1;
    expect(r.stderr).toContain(`${path}:2:${column}: `);
    expect(r.stderr).toMatch(/not found in the context/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('passes --qa-distractors to the importer', () => {
    // Ten paragraphs: enough that a train question finds 2 others among the train paragraphs alone.
    const data = [
      {
        title: 'Alpha',
        paragraphs: Array.from({ length: 10 }, (_, p) => p).map((p) => ({ context: `Alpha paragraph ${p} has word${p}.`, qas: [{ id: `a${p}`, question: `Which word in ${p}?`, answers: [{ text: `word${p}`, answer_start: `Alpha paragraph ${p} has `.length }] }] })),
      },
    ];
    const path = join(dataDir, 'alpha.json');
    writeFileSync(path, JSON.stringify({ version: 'v1.1', data }));
    const r = cli('import', path, '--json', '--qa-distractors', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 10, task: 'qa' });
    const db = new Database(join(dataDir, 'comparo.sqlite'), { readonly: true });
    try {
      const contexts = (db.prepare('SELECT text_pair AS c FROM dataset_rows').all() as { c: string }[]).map((r) => r.c);
      expect(contexts.every((c) => c.split('\n\n').length === 3)).toBe(true);
    } finally {
      db.close();
    }
  });

  it('resolves --dataset squad and --dataset squad-long to the embedded excerpt', () => {
    // --epochs 0 is refused when the run starts, after the dataset was resolved (imported).
    for (const name of ['squad', 'squad-long']) {
      const r = cli('train', '--dataset', name, '--loss', 'baseline', '--epochs', '0');
      expect(r.code, r.stderr).toBe(2);
    }
    const r = cli('train', '--dataset', 'squad-longer', '--loss', 'baseline', '--epochs', '0');
    expect(r.code).toBe(2);
    const db = new Database(join(dataDir, 'comparo.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT row_count AS n FROM datasets WHERE task = 'qa' ORDER BY created_at").all() as { n: number }[];
      expect(rows.filter((d) => d.n === 952)).toHaveLength(2);
    } finally {
      db.close();
    }
  });
});
