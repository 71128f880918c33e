// Question answering through the real CLI: `compare --dataset squad --seeds 2 --json` (the quick
// preset, so CI can afford it) gives EM and F1 per arm and seed with the paired statistics and the
// "always no answer" reference, and the utility per drop and crop level in EM and F1; then
// `predict` reads {"question", "context"} lines and answers with a span of that context or "".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'comparo-cli-qa-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Row {
  metric: string;
  baseline: number[];
  comparative: number[];
  stats: { n: number; verdict: string };
  evidence: string;
  reference?: { value: number; rule: string };
}
interface Output {
  comparison: { status: string };
  runs: Array<{ id: string; status: string }>;
  table: Row[];
  headline: { split: string; examples: number; checkpoint: string };
  utility: Array<{ kind: string; metric: string; curves: Array<{ arm: string; x: number[]; mean: number[] }> }>;
}

let runIds: string[] = [];

describe('cli: question answering on the embedded SQuAD 2.0 excerpt', () => {
  it('compare --dataset squad --seeds 2 --json: EM and F1 per arm and seed, statistics, utility per crop level', () => {
    const r = cli('compare', '--dataset', 'squad', '--seeds', '2', '--preset', 'quick', '--json');
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    expect(out.comparison.status).toBe('completed');
    expect(out.headline).toEqual({ split: 'validation', examples: 193, checkpoint: 'selected' });
    const rows = new Map(out.table.map((row) => [row.metric, row]));
    for (const metric of ['exact_match', 'f1', 'has_answer_f1', 'no_answer_f1']) {
      const row = rows.get(metric)!;
      expect(row, metric).toBeDefined();
      for (const arm of ['baseline', 'comparative'] as const) {
        expect(row[arm]).toHaveLength(2);
        for (const v of row[arm]) expect(v >= 0 && v <= 1, `${metric} ${arm} ${v}`).toBe(true);
      }
      expect(row.stats.n).toBe(2);
      expect(row.stats.verdict.length).toBeGreaterThan(0);
      // 95 of the 193 validation questions have no answer in the excerpt.
      expect(row.reference?.rule).toBe('always “no answer”');
    }
    expect(rows.get('exact_match')!.reference!.value).toBeCloseTo(95 / 193, 6);
    for (const kind of ['drop', 'crop']) {
      for (const metric of ['f1', 'exact_match']) {
        const u = out.utility.find((o) => o.kind === kind && o.metric === metric);
        expect(u, `${kind} ${metric}`).toBeDefined();
        expect(u!.curves.map((c) => c.arm).sort()).toEqual(['baseline', 'comparative']);
        for (const c of u!.curves) {
          expect(c.x[0]).toBe(0);
          expect(c.x.length).toBeGreaterThan(1);
          expect(c.mean.every((v) => v >= 0 && v <= 1)).toBe(true);
        }
      }
    }
    runIds = out.runs.map((run) => run.id);
    expect(runIds).toHaveLength(4);
  }, 300_000);

  it('predict reads question and context lines and answers with a span of that context, or no answer', () => {
    const lines = [
      { question: 'How many counties initially made up the definition of southern California?', context: 'In 1900, the Los Angeles Times defined southern California as including "the seven counties of Los Angeles, San Bernardino, Orange, Riverside, San Diego, Ventura and Santa Barbara."' },
      { question: 'Where is the Eiffel Tower?', context: 'The Eiffel Tower is a wrought-iron lattice tower in Paris, France.' },
    ];
    const input = join(dataDir, 'questions.jsonl');
    writeFileSync(input, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    for (const runId of runIds.slice(0, 2)) {
      const r = cli('predict', '--run', runId, '--input', input, '--json');
      expect(r.code, r.stderr).toBe(0);
      const answers = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { answer: string; answer_start: number | null; no_answer_probability: number; no_answer_threshold: number });
      expect(answers).toHaveLength(lines.length);
      answers.forEach((a, i) => {
        expect(a.no_answer_probability >= 0 && a.no_answer_probability <= 1).toBe(true);
        expect(a.no_answer_threshold >= 0 && a.no_answer_threshold <= 1).toBe(true);
        if (a.answer === '') expect(a.answer_start).toBeNull();
        else {
          expect(lines[i].context.slice(a.answer_start!, a.answer_start! + a.answer.length)).toBe(a.answer);
          // It answers only at or under the no-answer threshold chosen on validation.
          expect(a.no_answer_probability).toBeLessThanOrEqual(a.no_answer_threshold);
        }
      });
    }
  }, 120_000);
});
