// Question-answering import through DatasetService on real files and real SQLite: SQuAD v1.1 and
// v2.0 JSON, JSON Lines and CSV answers cells, answers located in the context, refusals at
// file:line:column, the split grouped by context (in memory and streamed), the qaDistractors
// option, the embedded squad / squad-long datasets and the trainer's shape of the rows.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../main/db/connection';
import { DatasetsRepo } from '../../main/db/datasets-repo';
import { DatasetService } from '../../main/services/dataset-service';
import { toTrainingData } from '../../main/services/training-data';
import { decodeQaAnswers } from '../../shared/qa-answers';
import type { DatasetRow, DatasetSummary } from '../../shared/schemas';

let dir: string;
let db: Database.Database;
let service: DatasetService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'comparo-qa-import-'));
  db = openDatabase(join(dir, 'data'));
  service = new DatasetService(new DatasetsRepo(db), resolve('assets/datasets'));
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

const CONTEXT = 'Paris is the capital of France. It lies on the Seine.';

function squad(version: 'v1.1' | 'v2.0'): string {
  const qas: unknown[] = [
    { id: 'q1', question: 'What is the capital of France?', answers: [{ text: 'Paris', answer_start: 0 }, { text: 'Paris', answer_start: 0 }, { text: 'France', answer_start: 24 }] },
    { id: 'q2', question: 'Which river?', answers: [{ text: 'the Seine', answer_start: 43 }] },
  ];
  if (version === 'v2.0') qas.push({ id: 'q3', question: 'What is the capital of Spain?', answers: [], is_impossible: true });
  return JSON.stringify({ version, data: [{ title: 'France', paragraphs: [{ context: CONTEXT, qas }] }] });
}

const rowsOf = (id: string): DatasetRow[] => service.preview(id, 100_000).rows;

describe('QA import formats', () => {
  it('reads SQuAD v1.1 with every reference answer at its start', async () => {
    const d = await service.importPath(write('v1.json', squad('v1.1')));
    expect(d.task).toBe('qa');
    expect(d.rows).toBe(2);
    const q1 = rowsOf(d.id).find((r) => r.text.startsWith('What is the capital of France'))!;
    expect(q1.textPair).toBe(CONTEXT);
    expect(decodeQaAnswers(q1.label)).toEqual({ text: ['Paris', 'Paris', 'France'], answer_start: [0, 0, 24] });
  });

  it('reads SQuAD v2.0 with an unanswerable question as empty lists', async () => {
    const d = await service.importPath(write('v2.json', squad('v2.0')));
    expect(d.rows).toBe(3);
    const q3 = rowsOf(d.id).find((r) => r.text.includes('Spain'))!;
    expect(decodeQaAnswers(q3.label)).toEqual({ text: [], answer_start: [] });
  });

  it('reads JSON Lines with Hugging Face answers objects and answers as text alone', async () => {
    const lines = [
      { question: 'Capital?', context: CONTEXT, answers: { text: ['Paris'], answer_start: [0] } },
      { question: 'River?', context: CONTEXT, answers: { text: ['Seine'] } },
      { question: 'Country?', context: CONTEXT, answers: 'France' },
      { question: 'Spain?', context: CONTEXT, answers: { text: [], answer_start: [] } },
    ];
    const d = await service.importPath(write('qa.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
    expect(d.task).toBe('qa');
    const byQuestion = new Map(rowsOf(d.id).map((r) => [r.text, decodeQaAnswers(r.label)]));
    expect(byQuestion.get('Capital?')).toEqual({ text: ['Paris'], answer_start: [0] });
    expect(byQuestion.get('River?')).toEqual({ text: ['Seine'], answer_start: [CONTEXT.indexOf('Seine')] });
    expect(byQuestion.get('Country?')).toEqual({ text: ['France'], answer_start: [24] });
    expect(byQuestion.get('Spain?')).toEqual({ text: [], answer_start: [] });
  });

  it('reads CSV with the answers as a JSON string in a cell, or as plain text', async () => {
    const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const csv = [
      'question,context,answers',
      `Capital?,${cell(CONTEXT)},${cell(JSON.stringify({ text: ['Paris'], answer_start: [0] }))}`,
      `River?,${cell(CONTEXT)},Seine`,
    ].join('\n');
    const d = await service.importPath(write('qa.csv', csv + '\n'));
    expect(d.task).toBe('qa');
    const byQuestion = new Map(rowsOf(d.id).map((r) => [r.text, decodeQaAnswers(r.label)]));
    expect(byQuestion.get('Capital?')).toEqual({ text: ['Paris'], answer_start: [0] });
    expect(byQuestion.get('River?')).toEqual({ text: ['Seine'], answer_start: [CONTEXT.indexOf('Seine')] });
  });
});

describe('QA import refusals at file:line:column', () => {
  const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const good = { question: 'Capital?', context: CONTEXT, answers: 'Paris' };

  it('refuses an answer text not in the context', async () => {
    const bad = { question: 'Q?', context: CONTEXT, answers: 'Berlin' };
    const path = write('missing.jsonl', jsonl([good, bad]));
    const column = JSON.stringify(bad).indexOf('"Berlin"') + 1;
    await expect(service.importPath(path)).rejects.toMatchObject({ code: 'bad_input', location: { file: path, line: 2, column }, message: expect.stringMatching(/not found in the context/) });
  });

  it('refuses a CSV answer text not in the context at its cell', async () => {
    const path = write('missing.csv', `question,context,answers\nQ?,"${CONTEXT}",Paris\nR?,"${CONTEXT}",Berlin\n`);
    await expect(service.importPath(path)).rejects.toMatchObject({ code: 'bad_input', location: { file: path, line: 3, column: `R?,"${CONTEXT}",`.length + 1 } });
  });

  it('refuses an answer text found more than once', async () => {
    const path = write('twice.jsonl', jsonl([good, { question: 'Q?', context: 'the cat and the dog', answers: 'the' }]));
    await expect(service.importPath(path)).rejects.toMatchObject({ location: { file: path, line: 2 }, message: expect.stringMatching(/more than once/) });
  });

  it('refuses an answer that is not at its answer_start', async () => {
    const path = write('shifted.jsonl', jsonl([good, { question: 'Q?', context: CONTEXT, answers: { text: ['Paris'], answer_start: [3] } }]));
    await expect(service.importPath(path)).rejects.toMatchObject({ location: { file: path, line: 2 }, message: expect.stringMatching(/not at character 3/) });
  });

  it('refuses a SQuAD answer not at its answer_start, at the line of that answer_start', async () => {
    const doc = squad('v1.1').replace('"answer_start":43', '"answer_start":40');
    const text = JSON.stringify(JSON.parse(doc), null, 2);
    const path = write('bad-squad.json', text);
    const line = text.split('\n').findIndex((l) => l.includes('"answer_start": 40')) + 1;
    await expect(service.importPath(path)).rejects.toMatchObject({ code: 'bad_input', location: { file: path, line } });
  });
});

describe('QA splits by context', () => {
  function manyContexts(n: number): string {
    const lines: string[] = [];
    for (let c = 0; c < n; c++) {
      const context = `Paragraph ${c} says the answer is word${c} here.`;
      for (let q = 0; q < 3; q++) lines.push(JSON.stringify({ question: `Question ${q} on ${c}?`, context, answers: `word${c}` }));
    }
    return lines.join('\n') + '\n';
  }
  const contextsBySplit = (rows: DatasetRow[]) => {
    const splitsOf = new Map<string, Set<string>>();
    for (const r of rows) splitsOf.set(r.textPair!, (splitsOf.get(r.textPair!) ?? new Set()).add(r.split));
    return [...splitsOf.values()];
  };

  it('never puts one context in two splits, in memory', async () => {
    const d = await service.importPath(write('many.jsonl', manyContexts(60)), { testFraction: 0.2 });
    expect(d.splits.validation).toBeGreaterThan(0);
    expect(d.splits.test).toBeGreaterThan(0);
    expect(contextsBySplit(rowsOf(d.id)).every((s) => s.size === 1)).toBe(true);
  });

  it('never puts one context in two splits, streamed', async () => {
    service.streamThresholdBytes = 100;
    service.streamThresholdRows = 10;
    const streamed = vi.spyOn(service, 'importLargeFile');
    const d = await service.importPath(write('many-stream.jsonl', manyContexts(60)), { testFraction: 0.2 });
    expect(streamed).toHaveBeenCalled();
    expect(d.splits.test).toBeGreaterThan(0);
    expect(d.rows).toBe(180);
    expect(d.splits.validation).toBeGreaterThan(0);
    expect(contextsBySplit(rowsOf(d.id)).every((s) => s.size === 1)).toBe(true);
  });
});

describe('QA streamed from disk', () => {
  it('reads CSV answers cells and refuses a misplaced answer_start at its line and column', async () => {
    service.streamThresholdBytes = 100;
    service.streamThresholdRows = 10;
    const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const lines = ['question,context,answers'];
    for (let i = 0; i < 40; i++) lines.push(`Q${i}?,${cell(`Context ${i} holds key${i}.`)},${cell(JSON.stringify({ text: [`key${i}`], answer_start: [`Context ${i} holds `.length] }))}`);
    const streamed = vi.spyOn(service, 'importLargeFile');
    const d = await service.importPath(write('qa-stream.csv', lines.join('\n') + '\n'));
    expect(streamed).toHaveBeenCalled();
    expect(d).toMatchObject({ task: 'qa', rows: 40 });
    const row = rowsOf(d.id).find((r) => r.text === 'Q7?')!;
    expect(decodeQaAnswers(row.label)).toEqual({ text: ['key7'], answer_start: ['Context 7 holds '.length] });
    lines.push(`Q40?,${cell('Context 40 holds key40.')},${cell(JSON.stringify({ text: ['key40'], answer_start: [0] }))}`);
    const bad = write('qa-stream-bad.csv', lines.join('\n') + '\n');
    // Streamed CSV keeps no line text, so the column is the row's start (StreamRawRecord.locate in main/services/import/stream-file.ts).
    await expect(service.importPath(bad)).rejects.toMatchObject({ code: 'bad_input', location: { file: bad, line: 42, column: 1 }, message: expect.stringMatching(/not at character 0/) });
  });
});

describe('qaDistractors', () => {
  function articles(): string {
    const data = ['Alpha', 'Beta'].map((title) => ({
      title,
      paragraphs: Array.from({ length: 8 }, (_, p) => ({
        context: `${title} paragraph ${p} mentions token${title}${p} once.`,
        qas: [{ id: `${title}-${p}`, question: `Which token in ${title} ${p}?`, answers: [{ text: `token${title}${p}`, answer_start: `${title} paragraph ${p} mentions `.length }] }],
      })),
    }));
    return JSON.stringify({ version: 'v1.1', data });
  }

  it('adds K paragraphs of the same article, keeps every answer at its start, and is deterministic', async () => {
    const path = write('articles.json', articles());
    const d = await service.importPath(path, { qaDistractors: 3 });
    const rows = rowsOf(d.id);
    expect(rows).toHaveLength(16);
    for (const r of rows) {
      const paragraphs = r.textPair!.split('\n\n');
      expect(paragraphs).toHaveLength(4);
      const title = r.text.includes('Alpha') ? 'Alpha' : 'Beta';
      expect(paragraphs.every((p) => p.startsWith(`${title} paragraph`))).toBe(true);
      const { text, answer_start } = decodeQaAnswers(r.label);
      expect(r.textPair!.slice(answer_start[0], answer_start[0] + text[0].length)).toBe(text[0]);
    }
    expect(new Set(rows.map((r) => r.textPair!.indexOf(decodeQaAnswers(r.label).text[0]))).size).toBeGreaterThan(1); // really shuffled
    // A second database, so the content hash cannot hand back the first import.
    const otherDb = openDatabase(join(dir, 'data2'));
    try {
      const again = new DatasetService(new DatasetsRepo(otherDb), dir);
      const second = await again.importPath(path, { qaDistractors: 3 });
      expect(again.preview(second.id, 100).rows.map((r) => r.textPair)).toEqual(rows.map((r) => r.textPair));
    } finally {
      otherDb.close();
    }
  });

  it('refuses qaDistractors on a dataset that is not question answering', async () => {
    const path = write('cls.csv', 'text,label\na,x\nb,y\n');
    await expect(service.importPath(path, { qaDistractors: 2 })).rejects.toMatchObject({ code: 'bad_input' });
  });
});

describe('embedded SQuAD datasets and the trainer shape', () => {
  it('imports squad with 952 questions and squad-long with 3 other paragraphs per context', async () => {
    const short = await service.importEmbedded('squad');
    expect(short).toMatchObject({ task: 'qa', rows: 952 });
    const long = await service.importEmbedded('squad-long');
    expect(long).toMatchObject({ task: 'qa', rows: 952 });
    expect(long.id).not.toBe(short.id);
    const longRows = rowsOf(long.id);
    // Every article of the excerpt has enough paragraphs in each split for 3 others.
    expect(longRows.every((r) => r.textPair!.split('\n\n').length === 4)).toBe(true);
    for (const r of longRows) {
      const { text, answer_start } = decodeQaAnswers(r.label);
      text.forEach((t, i) => expect(r.textPair!.slice(answer_start[i], answer_start[i] + t.length)).toBe(t));
    }
  });

  it('gives the trainer questions, contexts and every answer with its start', async () => {
    const d = await service.importEmbedded('squad');
    const data = service.trainingData(d.id);
    expect(data.task).toBe('qa');
    const all = [data.train, data.validation];
    expect(all.reduce((n, s) => n + s.texts.length, 0)).toBe(952);
    for (const split of all) {
      expect(split.textPairs).toHaveLength(split.texts.length);
      expect(split.answers).toHaveLength(split.texts.length);
      expect(split.labels.every((l) => l === 0)).toBe(true);
      split.answers!.forEach((a, i) => a.text.forEach((t, j) => expect(split.textPairs![i]!.slice(a.start[j], a.start[j] + t.length)).toBe(t)));
    }
    expect(all.some((s) => s.answers!.some((a) => a.text.length === 0))).toBe(true); // v2.0 unanswerable
  });

  it('reads legacy first-answer labels, and names the dataset when one is not in its context', () => {
    // Only the fields toTrainingData reads: a stored summary with a label stored before every answer was kept.
    const dataset = { name: 'old-squad', task: 'qa', labels: [] } as unknown as DatasetSummary;
    const ok = toTrainingData(dataset, [{ text: 'Q?', textPair: CONTEXT, label: 'Seine', split: 'train' }]);
    expect(ok.train.answers).toEqual([{ text: ['Seine'], start: [CONTEXT.indexOf('Seine')] }]);
    expect(ok.train.textPairs).toEqual([CONTEXT]);
    expect(() => toTrainingData(dataset, [{ text: 'Q?', textPair: CONTEXT, label: 'Berlin', split: 'train' }])).toThrow(/old-squad/);
  });
});
