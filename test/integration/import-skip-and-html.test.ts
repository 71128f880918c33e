// Three import behaviours on real files in a temporary folder, through the real DatasetService on a
// SQLite file (in memory and streamed) and through the CLI as a child process: an unterminated
// quote is reported where its field opened; "skip bad rows" leaves out and lists (file:line, why)
// the rows with a problem of their own in CSV and JSON Lines, and says why it cannot help a JSON
// document's syntax error; HTML markup in texts is flagged, and stripped on request.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { ImportOptions } from '../../shared/dataset-report';
import { openDatabase } from '../../main/db/connection';
import { DatasetsRepo } from '../../main/db/datasets-repo';
import { DatasetService } from '../../main/services/dataset-service';
import { firstMarkup, stripHtml } from '../../main/services/import/html';
import { MAX_LISTED_SKIPPED } from '../../main/services/import/source-text';

let dir: string;
let db: Database.Database;
let service: DatasetService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'comparo-skip-html-'));
  db = openDatabase(join(dir, 'data'));
  service = new DatasetService(new DatasetsRepo(db), join(process.cwd(), 'assets/datasets'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The two readers: whole file in memory, and the streamed one (thresholds at zero). */
const PATHS = ['in memory', 'streamed'] as const;
function readerFor(path: (typeof PATHS)[number]): void {
  service.streamThresholdBytes = path === 'streamed' ? 0 : Number.MAX_SAFE_INTEGER;
  service.streamThresholdRows = path === 'streamed' ? 0 : Number.MAX_SAFE_INTEGER;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the import to be refused, but it was imported');
}

function storedTexts(id: string): string[] {
  return (db.prepare('SELECT text FROM dataset_rows WHERE dataset_id = ? ORDER BY idx').all(id) as Array<{ text: string }>).map((r) => r.text);
}

function cli(dataDir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `n` good rows, line numbers 2..n+1 after the header. */
function goodRows(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `review number ${i} reads fine,${i % 2 ? 'pos' : 'neg'}`);
}

describe('an unterminated quote is reported where its field opened', () => {
  // Line 50 of 201: far from the end of the file, where the runaway field would stop.
  const rows = goodRows(200);
  rows[48] = 'fine text,"pos';

  for (const reader of PATHS) {
    it(`points at the opening quote, not the end of the file (${reader})`, async () => {
      readerFor(reader);
      const path = write('open-quote.csv', ['text,label', ...rows].join('\n') + '\n');
      const error = await refusal(service.importPath(path));
      expect(error.location).toEqual({ file: path, line: 50, column: 11 });
      expect(error.message).toMatch(/^unterminated quoted field opened here/);
    });

    it(`points at the opening line when a later quote ends the runaway field (${reader})`, async () => {
      readerFor(reader);
      const later = [...goodRows(200)];
      later[48] = '"no closing quote here,pos';
      later[120] = 'she said "hi" to me,neg';
      const path = write('closed-later.csv', ['text,label', ...later].join('\n') + '\n');
      const error = await refusal(service.importPath(path));
      expect(error.location).toEqual({ file: path, line: 50, column: 1 });
      expect(error.message).toMatch(/^unterminated quoted field opened here: .* up to the quote at line 122 column 10/);
    });
  }

  it('exits 2 with file:line:column of the opening quote on stderr (CLI)', () => {
    const path = write('open-quote.csv', ['text,label', ...rows].join('\n') + '\n');
    const r = cli(join(dir, 'cli-data'), 'import', path);
    expect(r.code, r.stderr).toBe(2);
    // A refusal names the file as it was typed (here an absolute path).
    expect(r.stderr).toMatch(new RegExp(`^${escape(path)}:50:11: unterminated quoted field opened here`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('skip bad rows', () => {
  // Lines: 1 header, 2-4 good, 5 short row, 6 good, 7 empty text, 8 extra field, 9 empty label, 10-13 good.
  const csv = ['text,label', ...goodRows(3), 'only one field', 'a fine one,pos', ',neg', 'one,two,three', 'no label here,', ...goodRows(4)].join('\n') + '\n';

  for (const reader of PATHS) {
    it(`refuses at the first bad row without the option, and lists every skipped row with it (CSV, ${reader})`, async () => {
      readerFor(reader);
      const path = write('bad-rows.csv', csv);
      const error = await refusal(service.importPath(path));
      expect([error.location?.file, error.location?.line]).toEqual([path, 5]);

      const d = await service.importPath(path, { skipBadRows: true });
      expect(d.rows).toBe(8);
      const report = service.report(d.id)!;
      expect(report.skipped.map((s) => [s.file, s.line])).toEqual([
        [path, 5],
        [path, 7],
        [path, 8],
        [path, 9],
      ]);
      expect(report.skipped.map((s) => s.reason)).toEqual([
        expect.stringMatching(/row has 1 field/),
        expect.stringMatching(/empty text/),
        expect.stringMatching(/row has 3 field/),
        expect.stringMatching(/empty label/),
      ]);
      expect(report.skippedCount).toBe(4);
      expect(report.issues.find((i) => i.kind === 'skipped_rows')?.count).toBe(4);
    });

    it(`skips lines that are not JSON, or not objects, or lack a label (JSON Lines, ${reader})`, async () => {
      readerFor(reader);
      const lines = [
        '{"text": "first good line", "label": "pos"}',
        '{"text": "broken", ',
        '{"text": "second good line", "label": "neg"}',
        '[1, 2]',
        '{"text": "no label"}',
        '{"text": "third good line", "label": "pos"}',
        '{"text": "fourth good line", "label": "neg"}',
      ];
      const path = write('bad.jsonl', lines.join('\n') + '\n');
      const error = await refusal(service.importPath(path));
      expect(error.location?.line).toBe(2);
      expect(error.message).toMatch(/^invalid JSON/);

      const d = await service.importPath(path, { skipBadRows: true });
      expect(d.rows).toBe(4);
      const skipped = service.report(d.id)!.skipped;
      expect(skipped.map((s) => s.line)).toEqual([2, 4, 5]);
      expect(skipped[0].reason).toMatch(/^invalid JSON/);
      expect(skipped[1].reason).toMatch(/must be a JSON object.*found an array/);
      expect(skipped[2].reason).toMatch(/missing label/);
    });

    it(`skips a non-numeric regression target (${reader})`, async () => {
      readerFor(reader);
      const path = write('scores.csv', 'text,score\nalpha,0.5\nbeta,not a number\ngamma,1.5\ndelta,2.5\n');
      const options: ImportOptions = { task: 'regression' };
      expect((await refusal(service.importPath(path, options))).location?.line).toBe(3);
      const d = await service.importPath(path, { ...options, skipBadRows: true });
      expect(d.rows).toBe(3);
      expect(service.report(d.id)!.skipped.map((s) => [s.line, s.reason])).toEqual([[3, expect.stringMatching(/regression target in "score" must be a finite number, found "not a number"/)]]);
    });
  }

  it('says that it cannot skip past a syntax error in a JSON document', async () => {
    const path = write('broken.json', '[{"text": "a", "label": "pos"},\n{"text": "b", "label": }]\n');
    const error = await refusal(service.importPath(path, { skipBadRows: true }));
    expect(error.location?.line).toBe(2);
    expect(error.message).toMatch(/skip bad rows cannot skip past this: a JSON document is read as one value/);
    // Without the option the message does not talk about it.
    expect((await refusal(service.importPath(path))).message).not.toMatch(/skip bad rows/);
  });

  it(`lists the first ${MAX_LISTED_SKIPPED} skipped rows and counts all of them`, async () => {
    const bad = Array.from({ length: 1500 }, (_, i) => `row ${i} has no label,`);
    for (const reader of PATHS) {
      readerFor(reader);
      // A name of its own per reader: the same bytes and options would be the dataset already stored.
      const path = write(`many-bad-${reader.replace(' ', '-')}.csv`, ['text,label', ...goodRows(20), ...bad].join('\n') + '\n');
      const d = await service.importPath(path, { skipBadRows: true });
      const report = service.report(d.id)!;
      expect([reader, d.rows, report.skipped.length, report.skippedCount]).toEqual([reader, 20, MAX_LISTED_SKIPPED, 1500]);
      expect(report.skipped[0].line).toBe(22);
      expect(report.issues.find((i) => i.kind === 'skipped_rows')?.count).toBe(1500);
    }
  });

  it('prints every skipped row as file:line:column and exits 0 with --skip-bad-rows; exits 2 without (CLI)', () => {
    const path = write('bad-rows.csv', csv);
    const dataDir = join(dir, 'cli-data');
    const refused = cli(dataDir, 'import', path);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^${escape(path)}:5:15: row has 1 field`));

    const r = cli(dataDir, 'import', path, '--skip-bad-rows', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(8);
    // Skipped rows are listed relative to the working folder (main/cli/index.ts).
    const listed = r.stderr.split('\n').filter((line) => line.includes(': skipped: '));
    expect(listed.map((line) => line.replace(/:\d+: skipped: .*/, ''))).toEqual([5, 7, 8, 9].map((n) => `${relative(process.cwd(), path)}:${n}`));
  });
});

describe('HTML markup in texts', () => {
  it('strips tags as spaces or nothing and decodes entities once', () => {
    expect(stripHtml('Great film.<br /><br />Loved it &amp; more')).toBe('Great film. Loved it & more');
    expect(stripHtml('<p>Bad</p> &quot;really&quot; <a href="x.html">link</a> <B>bold</B>')).toBe('Bad "really" link bold');
    expect(stripHtml('&amp;lt; stays an entity, &#233;t&#xE9; decodes')).toBe('&lt; stays an entity, été decodes');
    // Not markup: left alone.
    for (const text of ['a<b and c>d', 'AT&T and R&D', '5 < 6 > 4', '<<<sigh', '&unknown;']) {
      expect([text, firstMarkup(text)]).toEqual([text, undefined]);
      expect(stripHtml(text)).toBe(text);
    }
  });

  const csv = 'text,label\n"Great film.<br /><br />Loved it",pos\nplain text with no markup,neg\n"Awful &amp; long<br />really",neg\nanother plain one,pos\n"<br>",pos\n';

  for (const reader of PATHS) {
    it(`flags it in the report and stores the texts as written by default (${reader})`, async () => {
      readerFor(reader);
      const path = write('html.csv', csv);
      const d = await service.importPath(path);
      const issue = service.report(d.id)!.issues.find((i) => i.kind === 'html_markup');
      expect(issue).toMatchObject({ severity: 'warning', count: 3 });
      expect(issue!.message).toMatch(/^3 texts contain HTML tags or entities such as <br \/>.*Strip HTML tags.*--strip-html/);
      expect(issue!.locations.map((l) => l.line)).toEqual([2, 4, 6]);
      expect(storedTexts(d.id)).toContain('Great film.<br /><br />Loved it');
    });

    it(`strips tags and decodes entities before storing with stripHtml, as a dataset of its own (${reader})`, async () => {
      readerFor(reader);
      const path = write('html.csv', csv);
      const plain = await service.importPath(path);
      // "<br>" alone is empty once stripped: a bad row of its own, refused or skipped.
      expect((await refusal(service.importPath(path, { stripHtml: true }))).location?.line).toBe(6);
      const d = await service.importPath(path, { stripHtml: true, skipBadRows: true });
      expect(d.id).not.toBe(plain.id);
      const texts = storedTexts(d.id);
      expect(texts).toEqual(expect.arrayContaining(['Great film. Loved it', 'Awful & long really', 'plain text with no markup']));
      expect(texts.join(' ')).not.toMatch(/<br|&amp;/);
      const report = service.report(d.id)!;
      expect(report.issues.find((i) => i.kind === 'html_markup')).toMatchObject({ severity: 'info', count: 3 });
      expect(report.skipped.map((s) => [s.line, s.reason])).toEqual([[6, expect.stringMatching(/empty once its HTML tags are removed/)]]);
    });
  }

  it('finds none in the embedded IMDB sample (its reviews hold no <br />)', async () => {
    const sample = readFileSync(join(process.cwd(), 'assets/datasets/imdb-reviews-2k.csv'), 'utf8');
    expect(sample).not.toMatch(/<br/i);
    const d = await service.importEmbedded('imdb');
    expect(service.report(d.id)!.issues.map((i) => i.kind)).not.toContain('html_markup');
  });

  it('flags it on stderr, and strips it with --strip-html (CLI)', () => {
    const path = write('html.csv', csv.replace('"<br>",pos\n', 'one more plain row,pos\n'));
    const dataDir = join(dir, 'cli-data');
    const flagged = cli(dataDir, 'import', path);
    expect(flagged.code, flagged.stderr).toBe(0);
    expect(flagged.stderr).toMatch(/warning: 2 texts contain HTML tags or entities such as <br \/>/);
    const stripped = cli(dataDir, 'import', path, '--strip-html', '--json');
    expect(stripped.code, stripped.stderr).toBe(0);
    expect(stripped.stderr).toMatch(/info: HTML tags and entities such as <br \/> were removed from 2 texts/);
    expect(JSON.parse(stripped.stdout).id).not.toBe(flagged.stdout.split(/\s/)[0]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
