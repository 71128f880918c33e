// Tokenizer throughput on the embedded IMDB reviews, and how long inspecting a BERT-base-sized
// checkpoint takes (header only: the file is sparse, 438 MB long, nearly nothing on disk).
// Run: npx tsx bench/models-bench.ts   Prints ONE JSON object; times are medians of 5 repetitions.
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync, ftruncateSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectModelFolder } from '../main/pretrained/inspect';
import { loadTokenizer } from '../main/pretrained/tokenizer';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function reviews(): string[] {
  const text = readFileSync(join(ROOT, 'assets/datasets/imdb-reviews-2k.csv'), 'utf8');
  // Good enough for a workload: one review per line after the header, quotes left in.
  return text.split('\n').slice(1, 501).filter(Boolean);
}

async function tokenizerSpeed(folder: string, texts: string[]) {
  const tokenizer = await loadTokenizer(folder);
  const times: number[] = [];
  let tokens = 0;
  for (let rep = 0; rep < 5; rep++) {
    tokens = 0;
    const start = performance.now();
    for (const text of texts) tokens += tokenizer.encode(text, undefined, { maxLength: 512 }).ids.length;
    times.push(performance.now() - start);
  }
  const ms = median(times);
  return { texts: texts.length, tokens, ms: Math.round(ms), textsPerSecond: Math.round((texts.length / ms) * 1000) };
}

/** A BERT-base safetensors file: the real header of 199 tensors (110M parameters), data left sparse. */
function bertBaseFolder(dir: string): string {
  const shapes: Record<string, number[]> = {
    'bert.embeddings.word_embeddings.weight': [30522, 768],
    'bert.embeddings.position_embeddings.weight': [512, 768],
    'bert.embeddings.token_type_embeddings.weight': [2, 768],
    'bert.embeddings.LayerNorm.weight': [768],
    'bert.embeddings.LayerNorm.bias': [768],
    'bert.pooler.dense.weight': [768, 768],
    'bert.pooler.dense.bias': [768],
  };
  for (let l = 0; l < 12; l++) {
    const p = `bert.encoder.layer.${l}`;
    for (const m of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      shapes[`${p}.${m}.weight`] = [768, 768];
      shapes[`${p}.${m}.bias`] = [768];
    }
    Object.assign(shapes, {
      [`${p}.attention.output.LayerNorm.weight`]: [768],
      [`${p}.attention.output.LayerNorm.bias`]: [768],
      [`${p}.intermediate.dense.weight`]: [3072, 768],
      [`${p}.intermediate.dense.bias`]: [3072],
      [`${p}.output.dense.weight`]: [768, 3072],
      [`${p}.output.dense.bias`]: [768],
      [`${p}.output.LayerNorm.weight`]: [768],
      [`${p}.output.LayerNorm.bias`]: [768],
    });
  }
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const [name, shape] of Object.entries(shapes)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const folder = join(dir, 'bert-base');
  cpSync(join(ROOT, 'test/fixtures/pretrained/bert'), folder, { recursive: true });
  const fd = openSync(join(folder, 'model.safetensors'), 'w');
  writeSync(fd, length);
  writeSync(fd, json);
  ftruncateSync(fd, 8 + json.length + offset);
  closeSync(fd);
  return folder;
}

async function main() {
  const texts = reviews();
  const dir = mkdtempSync(join(tmpdir(), 'comparo-models-bench-'));
  try {
    const folder = bertBaseFolder(dir);
    const times: number[] = [];
    let info;
    for (let rep = 0; rep < 5; rep++) {
      const start = performance.now();
      info = await inspectModelFolder(folder, { source: folder, kind: 'folder', hubId: null });
      times.push(performance.now() - start);
    }
    console.log(
      JSON.stringify(
        {
          machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg1: loadavg()[0] },
          tokenizer: {
            wordpiece: await tokenizerSpeed(join(ROOT, 'test/fixtures/tokenizers/wordpiece'), texts),
            bytelevelBpe: await tokenizerSpeed(join(ROOT, 'test/fixtures/tokenizers/bpe'), texts),
            tokenizerJson: await tokenizerSpeed(join(ROOT, 'test/fixtures/tokenizers/json'), texts),
          },
          inspectBertBase: { fileBytes: info!.sizeBytes, parameters: info!.parameters, sizeClass: info!.sizeClass, medianMs: Number(median(times).toFixed(2)) },
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
