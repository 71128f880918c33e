// `npm run cli -- predict` as a person runs it: a real trained run in a real data folder, a real
// JSON Lines file, the real CLI process.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.cleanup());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir.path, 'data'), ...args], {
    encoding: 'utf8',
    timeout: 150_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line));

describe('CLI predict', () => {
  let runId = '';
  let labels: string[] = [];
  const input = join(dir.path, 'texts.jsonl');

  beforeAll(() => {
    const trained = cli('train', '--loss', 'comparative', '--dataset', 'spam', '--preset', 'quick', '--max-train', '96', '--epochs', '1', '--json');
    expect(trained.code, trained.stderr).toBe(0);
    const detail = JSON.parse(trained.stdout);
    runId = detail.run.id;
    writeFileSync(
      input,
      [
        JSON.stringify({ text: 'WINNER!! Claim your free prize now, call 0800 123 456' }),
        JSON.stringify({ text: 'Are we still meeting for lunch tomorrow?', text_pair: 'Yes, see you at noon.' }),
        '',
        JSON.stringify({ text: 'Meeting notes attached.' }),
      ].join('\n') + '\n',
    );
  }, 160_000);

  it('prints logits, label and probabilities per input line with --run and with --model <run-id>', () => {
    const r = cli('predict', '--run', runId, '--input', input, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(3);
    labels = Object.keys(out[0].probabilities);
    expect(labels.length).toBe(2);
    for (const o of out) {
      expect(Object.keys(o)).toEqual(['logits', 'label', 'probabilities']);
      expect(o.logits).toHaveLength(2);
      expect(labels).toContain(o.label);
      expect(Object.values(o.probabilities as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      // The label is the arg max of the logits, named.
      expect(o.label).toBe(labels[o.logits.indexOf(Math.max(...o.logits))]);
    }
    const byModel = cli('predict', '--model', runId, '--input', input, '--json');
    expect(byModel.code, byModel.stderr).toBe(0);
    expect(lines(byModel.stdout)).toEqual(out);
    const text = cli('predict', '--run', runId, '--input', input);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^1\t\w+ \(\d\.\d{3}\)\tWINNER/);
  });

  it('exits 2 with file:line:column on bad JSON Lines, and on a missing --input', () => {
    const bad = join(dir.path, 'bad.jsonl');
    writeFileSync(bad, '{"text": "fine"}\n{"text": "unterminated}\n');
    const r = cli('predict', '--run', runId, '--input', bad, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: invalid JSON`, 'm'));
    expect(r.stdout).toBe('');
    const noInput = cli('predict', '--run', runId);
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toMatch(/--input/);
    const unknownRun = cli('predict', '--run', 'r-nope', '--input', input);
    expect(unknownRun.code).toBe(2);
    expect(unknownRun.stderr).toMatch(/No run with id r-nope/);
    const neither = cli('predict', '--model', 'no/such/folder', '--input', input);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/no\/such\/folder is neither a model folder nor a run id/);
  });
});
