// Writes the binary and re-encoded fixtures of test/fixtures/import, which an editor cannot make
// by hand: Parquet (as Hugging Face exports it, snappy-compressed), UTF-16 and Windows-1252 text.
// Run: npx tsx scripts/build-import-fixtures.ts (deterministic; the files are committed).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';

const DIR = fileURLToPath(new URL('../test/fixtures/import/', import.meta.url));
const REVIEWS = [
  ['Café au lait was lovely — très bon', 'positive'],
  ['The naïve plot fell apart', 'negative'],
  ['Smörgåsbord of delights', 'positive'],
  ['Déjà vu, and not the good kind', 'negative'],
];
const csv = `text,label\n${REVIEWS.map(([t, l]) => `"${t}",${l}`).join('\n')}\n`;

// Excel's "Unicode Text": UTF-16 little-endian with a BOM, tab-separated.
const tsv = `text\tlabel\n${REVIEWS.map(([t, l]) => `${t}\t${l}`).join('\n')}\n`;
writeFileSync(`${DIR}utf16le-bom.tsv`, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]));
// Big-endian without a BOM: detected from the NUL pattern.
const be = Buffer.from(csv, 'utf16le');
for (let i = 0; i + 1 < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
writeFileSync(`${DIR}utf16be-nobom.csv`, be);
// Latin-1: every character above is in ISO-8859-1 except the em dash, which Windows-1252 has.
writeFileSync(`${DIR}latin1.csv`, Buffer.from(csv.replace('—', '-'), 'latin1'));

function parquet(rows: Array<Record<string, string | number>>): Buffer {
  const names = Object.keys(rows[0]);
  const columnData = names.map((name) => ({
    name,
    data: rows.map((r) => r[name]),
    type: typeof rows[0][name] === 'number' ? ('INT64' as const) : ('STRING' as const),
  }));
  return Buffer.from(parquetWriteBuffer({ columnData: columnData.map((c) => (c.type === 'INT64' ? { ...c, data: c.data.map((v) => BigInt(v)) } : c)) as never }));
}

// datasets.Dataset.to_parquet() of an IMDB-like dataset: text + integer label.
writeFileSync(`${DIR}hf-export.parquet`, parquet(REVIEWS.map(([text, label]) => ({ text, label: label === 'positive' ? 1 : 0 }))));
// A Hub-style folder of Parquet splits.
const split = (offset: number) => REVIEWS.map(([text, label], i) => ({ text: `${text} (${offset + i})`, label: label === 'positive' ? 1 : 0 }));
writeFileSync(`${DIR}hf-folder/train-00000-of-00001.parquet`, parquet([...split(0), ...split(10), ...split(20)]));
writeFileSync(`${DIR}hf-folder/validation-00000-of-00001.parquet`, parquet(split(30)));
writeFileSync(`${DIR}hf-folder/test-00000-of-00001.parquet`, parquet(split(40)));
console.log('fixtures written to', DIR);
