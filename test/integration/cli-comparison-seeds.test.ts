// `add-seeds` and `rerun` as a person types them: more seeds for a finished comparison train in the
// foreground (the progress lines say when a run evaluates), the table then counts every complete
// pair; bad requests exit 2 with a sentence, never a stack trace.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.cleanup());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir.path, 'data'), '--preset', 'quick', ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI: add-seeds and rerun', () => {
  it('adds a seed to a finished comparison, trains it, and refuses what it cannot do with exit 2', () => {
    const compared = cli('compare', '--seeds', '1', '--epochs', '1', '--max-train', '64', '--json');
    expect(compared.code, compared.stderr).toBe(0);
    const id: string = JSON.parse(compared.stdout).comparison.id;

    // Without --json: the progress lines go to stderr, the table to stdout.
    const added = cli('add-seeds', id, '1');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(new RegExp(`Comparison ${id} .*seeds 1, 2,`));
    expect(added.stdout).toMatch(/baseline s1 +baseline s2 +comparative s1 +comparative s2/);
    expect(added.stderr).toMatch(new RegExp(`Comparison ${id}: seeds 2 added \\(2 runs\\)`));
    // The progress lines name the live phase instead of a step count that no longer moves.
    expect(added.stderr).toMatch(/ running · evaluating/);

    const nothing = cli('rerun', id);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/has no cancelled, failed or interrupted run to train again/);
    const completedSeed = cli('rerun', id, '--seeds', '1');
    expect(completedSeed.code).toBe(3);
    expect(completedSeed.stderr).toMatch(/no cancelled, failed or interrupted run/);
    for (const args of [['rerun', id, '--seeds', '1,x'], ['add-seeds', id, '0'], ['add-seeds', id], ['add-seeds', 'c-nope', '1'], ['rerun']]) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 400_000);
});
