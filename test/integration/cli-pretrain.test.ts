// Continued masked-language-model pretraining through the real CLI and its pretraining process:
// a BERT fixture adapted to the embedded IMDB reviews' training texts. The held-out loss falls,
// the same seed rebuilds the same bytes, the folder loads back exactly (its held-out loss
// recomputed here equals the one it reports), a classifier fine-tuned from it and exported predicts
// exactly what the run predicts, --no-dropout scores its steps without dropout, --summary-weight adds
// [CLS]'s bag-of-words loss, Ctrl+C leaves a
// checkpoint that --resume continues to the same bytes, and bad input exits 2 with the reason.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Papa from 'papaparse';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MaskedLanguageModel } from '../../main/models/masked-lm';
import { loadPretrainedClassifier } from '../../main/pretrained/load';
import { readSafetensors } from '../../main/pretrained/safetensors';
import { loadTokenizer } from '../../main/pretrained/tokenizer';
import { validationLoss } from '../../main/training/pretrain';
import { type Tensor3D, tensor2d } from '@tensorflow/tfjs';
import { bagOfWordsTargets, summaryLoss } from '../../main/training/summary-loss';
import { maskedLmLoss } from '../../main/training/mlm-loss';
import { buildCorpus, disposeBatch, maskedBatch, maskRandom, readDocuments, stepBlocks } from '../../main/training/pretrain-data';
import { PRETRAIN_DEFAULTS } from '../../shared/pretrain-protocol';
import { selectBackend } from '../../main/kernels/backends';

const dataDir = mkdtempSync(join(tmpdir(), 'comparo-cli-pretrain-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const FIXTURE = 'test/fixtures/pretrained/bert';
const texts = join(dataDir, 'reviews.txt');
// Real text: the first 300 reviews of the embedded IMDB sample, one per line.
const reviews = Papa.parse<{ text: string }>(readFileSync('assets/datasets/imdb-reviews-2k.csv', 'utf8'), { header: true, skipEmptyLines: true }).data;
writeFileSync(texts, reviews.slice(0, 300).map((row) => row.text.replace(/\s+/g, ' ')).join('\n') + '\n');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SHORT = ['--steps', '16', '--batch-size', '8', '--sequence-length', '32', '--lr', '0.002'];

interface Report {
  corpus: { documents: number; trainBlocks: number; validationBlocks: number; sha256: string };
  settings: typeof PRETRAIN_DEFAULTS;
  trainLoss: [number, number][];
  validationLoss: [number, number][];
}

describe('cli: pretrain (continued masked-language-model pretraining)', () => {
  const first = join(dataDir, 'adapted-a');
  const again = join(dataDir, 'adapted-b');
  const otherSeed = join(dataDir, 'adapted-c');

  it('adapts the BERT fixture to a text file: a BertForMaskedLM folder whose held-out loss fell', () => {
    const r = cli('pretrain', '--model', FIXTURE, '--texts', texts, ...SHORT, '--out', first, '--json');
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const done = JSON.parse(r.stdout) as { status: string; folder: string; validationLoss: number; documents: number };
    expect(done).toMatchObject({ status: 'completed', folder: first, documents: 300 });
    for (const file of ['config.json', 'model.safetensors', 'pretraining.json', 'vocab.txt']) expect(existsSync(join(first, file)), file).toBe(true);
    const config = JSON.parse(readFileSync(join(first, 'config.json'), 'utf8'));
    expect(config.architectures).toEqual(['BertForMaskedLM']);
    // The fixture's classifier labels do not describe a pretrained encoder.
    expect(config.id2label).toBeUndefined();
    const tensors = readSafetensors(join(first, 'model.safetensors'));
    expect(tensors.get('cls.predictions.bias')?.shape).toEqual([144]);
    expect(tensors.has('bert.encoder.layer.1.output.LayerNorm.weight')).toBe(true);
    // BertForMaskedLM has no pooler, and the tied decoder weight is the embedding table, stored once.
    expect([...tensors.keys()].some((name) => name.includes('pooler') || name === 'cls.predictions.decoder.weight')).toBe(false);
    const report = JSON.parse(readFileSync(join(first, 'pretraining.json'), 'utf8')) as Report;
    expect(report.corpus.documents).toBe(300);
    // The fixture (like every hub model) gives no fine-tuning advice, so none is passed on: the size rule applies.
    expect((report as Report & { fineTuningLearningRate?: number }).fineTuningLearningRate).toBeUndefined();
    expect(report.trainLoss).toHaveLength(16);
    const losses = report.validationLoss.map(([, loss]) => loss);
    expect(report.validationLoss[0][0]).toBe(0);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] - 0.1);
    expect(done.validationLoss).toBe(losses[losses.length - 1]);
  });

  it('rebuilds the same bytes from the same seed, and other bytes from another seed', () => {
    expect(cli('pretrain', '--model', FIXTURE, '--texts', texts, ...SHORT, '--out', again).code).toBe(0);
    expect(cli('pretrain', '--model', FIXTURE, '--texts', texts, ...SHORT, '--seed', '2', '--out', otherSeed).code).toBe(0);
    const bytes = (folder: string) => readFileSync(join(folder, 'model.safetensors'));
    expect(bytes(again).equals(bytes(first))).toBe(true);
    expect(bytes(otherSeed).equals(bytes(first))).toBe(false);
  });

  it('loads back exactly: the held-out loss recomputed from the folder is the one it reports', async () => {
    const report = JSON.parse(readFileSync(join(first, 'pretraining.json'), 'utf8')) as Report;
    await selectBackend('auto');
    const tokenizer = await loadTokenizer(first);
    const corpus = buildCorpus(readFileSync(texts, 'utf8').split('\n').filter((line) => line.trim()), tokenizer, { sequenceLength: 32, validationShare: report.settings.validationShare, seed: 1 });
    expect(corpus.validation).toHaveLength(report.corpus.validationBlocks);
    const loaded = loadPretrainedClassifier(first, { outputs: 2, seed: 1, sepId: tokenizer.sepId });
    // The pooler and classifier are new (BertForMaskedLM has neither); the MLM head is read back.
    expect(loaded.initialisedHead).toEqual(expect.arrayContaining(['pooler.dense.weight', 'classifier.weight']));
    const model = new MaskedLanguageModel(loaded.model, loaded.checkpoint.tensors, 99);
    const recomputed = validationLoss(model, corpus.validation, tokenizer, { ...report.settings });
    model.dispose();
    const reported = report.validationLoss[report.validationLoss.length - 1][1];
    expect(Math.abs(recomputed - reported)).toBeLessThan(1e-5);
  });

  /**
   * Step 0's masked-LM and [CLS] summary losses, recomputed here on the fixture's weights with
   * dropout off: its batch and masks drawn as the pretraining process draws them (main/training/pretrain.ts).
   */
  async function firstStepLosses(settings: typeof PRETRAIN_DEFAULTS): Promise<{ mlm: number; summary: number }> {
    await selectBackend('auto');
    const tokenizer = await loadTokenizer(FIXTURE);
    const corpus = buildCorpus(readDocuments(texts), tokenizer, { sequenceLength: settings.sequenceLength, validationShare: settings.validationShare, seed: settings.seed });
    const blocks = stepBlocks(corpus.train, 0, settings.batchSize, settings.seed);
    const batch = maskedBatch(blocks, tokenizer, settings, maskRandom(settings.seed, 'train', 0));
    const loaded = loadPretrainedClassifier(FIXTURE, { outputs: 2, seed: settings.seed, sepId: tokenizer.sepId });
    const model = new MaskedLanguageModel(loaded.model, loaded.checkpoint.tensors, settings.seed);
    const logits = model.logitsWithSummary(batch, 0, false, true);
    const mlm = maskedLmLoss(logits.tokens.reshape([1, ...logits.tokens.shape]) as Tensor3D, [Array.from(batch.targets)]).batch.dataSync()[0];
    const bags = tensor2d(bagOfWordsTargets(blocks, tokenizer.vocabSize, tokenizer.specialIds), [blocks.length, tokenizer.vocabSize]);
    const summary = summaryLoss(logits.summary!, bags).dataSync()[0];
    model.dispose();
    disposeBatch(batch);
    return { mlm, summary };
  }

  function pretrainReport(folder: string, ...args: string[]) {
    const r = cli('pretrain', '--model', FIXTURE, '--texts', texts, '--batch-size', '8', '--sequence-length', '32', ...args, '--out', folder);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    return JSON.parse(readFileSync(join(folder, 'pretraining.json'), 'utf8')) as Report & { objective: string; summaryLoss?: [number, number][]; settings: typeof PRETRAIN_DEFAULTS };
  }

  it('--no-dropout trains the whole network: the first step scores its batch without dropout', async () => {
    const off = pretrainReport(join(dataDir, 'no-dropout'), '--steps', '1', '--no-dropout');
    const on = pretrainReport(join(dataDir, 'with-dropout'), '--steps', '1');
    expect(off.settings.dropout).toBe(false);
    expect(on.settings.dropout).toBeUndefined();
    const expected = (await firstStepLosses(off.settings)).mlm;
    expect(Math.abs(off.trainLoss[0][1] - expected)).toBeLessThan(1e-4);
    // With the fixture's dropout (0.1) the same batch scores otherwise.
    expect(Math.abs(on.trainLoss[0][1] - expected)).toBeGreaterThan(1e-3);
  });

  it("--summary-weight adds [CLS]'s bag-of-words loss: recorded beside the masked-LM loss, which it leaves as it was", async () => {
    const report = pretrainReport(join(dataDir, 'with-summary'), '--steps', '2', '--no-dropout', '--summary-weight', '1');
    expect(report.objective).toContain('[CLS] summary');
    expect(report.settings.summaryWeight).toBe(1);
    const curve = report.summaryLoss ?? [];
    expect(curve.map(([step]) => step)).toEqual([1, 2]);
    // Step 1 ran on the fixture's weights: both parts as recomputed here.
    const expected = await firstStepLosses(report.settings);
    expect(Math.abs(report.trainLoss[0][1] - expected.mlm)).toBeLessThan(1e-4);
    expect(Math.abs(curve[0][1] - expected.summary)).toBeLessThan(1e-4);
    // And the objective moved the weights: step 2's summary loss is another.
    expect(curve[1][1]).not.toBe(curve[0][1]);
  });

  it('pretrain -> fine-tune -> export -> load: the exported folder predicts exactly what the run does', () => {
    const r = cli('train', '--model', first, '--loss', 'baseline', '--preset', 'quick', '--json');
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout) as { run: { id: string; status: string } };
    expect(out.run.status).toBe('completed');
    const exported = join(dataDir, 'exported');
    const e = cli('export', out.run.id, '--format', 'huggingface', '--out', exported);
    expect(e.code, e.stderr.slice(-2000)).toBe(0);
    const input = join(dataDir, 'held-out.jsonl');
    writeFileSync(input, reviews.slice(1900, 1920).map((row) => JSON.stringify({ text: row.text })).join('\n') + '\n');
    const lines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as { label: string; logits: number[] });
    const fromRun = cli('predict', '--run', out.run.id, '--input', input, '--json');
    const fromFolder = cli('predict', '--model', exported, '--input', input, '--json');
    expect(fromRun.code, fromRun.stderr).toBe(0);
    expect(fromFolder.code, fromFolder.stderr).toBe(0);
    const [a, b] = [lines(fromRun.stdout), lines(fromFolder.stdout)];
    expect(b).toHaveLength(20);
    expect(b.map((x) => x.label)).toEqual(a.map((x) => x.label));
    b.forEach((x, i) => x.logits.forEach((v, j) => expect(Math.abs(v - a[i].logits[j])).toBeLessThan(1e-4)));
  });

  it('pretrains on a dataset: its training texts only', () => {
    const out = join(dataDir, 'from-dataset');
    const r = cli('pretrain', '--model', FIXTURE, '--dataset', 'spam', '--steps', '2', '--batch-size', '4', '--sequence-length', '32', '--out', out, '--json');
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'pretraining.json'), 'utf8')) as Report;
    // The embedded spam sample holds 2,000 e-mails, 1,600 of them in its training split.
    expect(report.corpus.documents).toBe(1600);
    // The texts file handed to the pretraining process is removed afterwards.
    expect(existsSync(join(dataDir, 'tmp')) ? readdirSync(join(dataDir, 'tmp')) : []).toEqual([]);
  });

  it('Ctrl+C leaves a checkpoint, and --resume ends with the bytes of the uninterrupted run', async () => {
    const LONG = ['--steps', '40', '--batch-size', '4', '--sequence-length', '32', '--lr', '0.002'];
    const straight = join(dataDir, 'straight');
    expect(cli('pretrain', '--model', FIXTURE, '--texts', texts, ...LONG, '--out', straight).code).toBe(0);
    const out = join(dataDir, 'interrupted');
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, 'pretrain', '--model', FIXTURE, '--texts', texts, ...LONG, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let interrupted = false;
    const code = await new Promise<number | null>((resolve, reject) => {
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`no progress within 90 s: ${stderr}`));
      }, 90_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // Past the first periodic checkpoint (every 4 steps here), mid-run.
        if (!interrupted && stderr.includes('step 8/40')) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      child.on('exit', (exitCode) => {
        clearTimeout(deadline);
        resolve(exitCode);
      });
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/Pretraining interrupted at step \d+ of 40; continue it with: npm run cli -- pretrain --resume /);
    const stoppedAt = Number(/interrupted at step (\d+)/.exec(stderr)![1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(8);
    expect(stoppedAt).toBeLessThan(40);
    expect(existsSync(join(out, 'checkpoint', 'state.json'))).toBe(true);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);

    const resumed = cli('pretrain', '--resume', out, '--json');
    expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0);
    expect(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(straight, 'model.safetensors')))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'pretraining.json'), 'utf8')) as Report;
    const reference = JSON.parse(readFileSync(join(straight, 'pretraining.json'), 'utf8')) as Report;
    // The curves too: the steps before the interruption come from the checkpoint, the rest were run again.
    expect(report.trainLoss).toEqual(reference.trainLoss);
    expect(report.validationLoss).toEqual(reference.validationLoss);
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
    expect(cli('pretrain', '--resume', out).code).toBe(2);
  });

  it('refuses bad input with exit 2 and the reason', () => {
    const missing = cli('pretrain', '--model', join(dataDir, 'nope'), '--texts', texts);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such folder');
    const both = cli('pretrain', '--model', FIXTURE);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--dataset');
    const tiny = join(dataDir, 'tiny.txt');
    writeFileSync(tiny, 'too short\n');
    const short = cli('pretrain', '--model', FIXTURE, '--texts', tiny, '--sequence-length', '32', '--out', join(dataDir, 'tiny-out'));
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 2');
    expect(existsSync(join(dataDir, 'tiny-out'))).toBe(false);
  });
});
