// Bytes to text. Users' files come from Excel (UTF-16 with BOM, or Windows-1252), from Python
// (UTF-8, sometimes with BOM) and from old tools (Latin-1), so the encoding is detected, never
// assumed: a BOM decides; otherwise bytes that are valid UTF-8 are UTF-8 (Latin-1 text almost
// never is); UTF-16 without a BOM shows as NUL bytes in every other position; the rest is
// Windows-1252, the superset of Latin-1 that every such file in practice is.
//
// UTF-8 validity is decided over the whole file, not a sample: a Latin-1 "é" on line 90 000 of an
// otherwise ASCII file must not become U+FFFD. A file that is valid UTF-8 with non-ASCII text and
// then has a byte that is not (two tools appended to one file) has no single right reading, so it
// is refused at that byte rather than turned into mojibake or U+FFFD.
import { AppError } from '../../../shared/errors';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

export function detectEncoding(bytes: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bomLength: number; declared: boolean } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3, declared: true };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2, declared: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2, declared: true };
  const sample = bytes.subarray(0, Math.min(bytes.length, 64 * 1024));
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, bomLength: 0, declared: false };
  // UTF-8 until a byte says otherwise: decodeBytes and the streamed ChunkDecoder read every byte
  // and fall back to Windows-1252 only if nothing before the first invalid byte was non-ASCII.
  return { encoding: 'utf-8', bomLength: 0, declared: false };
}

/** What Windows-1252 puts at 0x80-0x9F (Latin-1 has C1 control characters there). */
const CP1252_80_9F = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Windows-1252 text from bytes. Node 20's TextDecoder('windows-1252') decodes as Latin-1 (0x93
 * becomes U+0093, not the “ Excel meant), so the 0x80-0x9F range is mapped here; where the
 * decoder is right already (Electron, browsers) the mapping finds nothing to change.
 */
export function decodeWindows1252(bytes: Uint8Array, decoder: InstanceType<typeof TextDecoder> = new TextDecoder('windows-1252')): string {
  return fixWindows1252(decoder.decode(bytes));
}

export function fixWindows1252(text: string): string {
  return /[\u0080-\u009f]/.test(text) ? text.replace(/[\u0080-\u009f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]) : text;
}

/**
 * Decodes a whole file; the BOM is dropped so that it never becomes part of the first column's
 * name. Throws AppError('bad_input') at the first byte no reading of the file can explain.
 */
export function decodeBytes(bytes: Uint8Array, fileName = 'input'): DecodedText {
  const { encoding, bomLength, declared } = detectEncoding(bytes);
  const body = bytes.subarray(bomLength);
  if (encoding === 'utf-8') {
    // The native check first: almost every file is valid, and only an invalid one needs the place.
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding };
    } catch {
      // fall through to find the first invalid byte
    }
    const scan = scanUtf8(body, false);
    if (scan.invalidAt === -1) return { text: new TextDecoder('utf-8').decode(body), encoding };
    if (declared || scan.multibyteBefore) throw mixedEncodingError(fileName, bytes, bomLength + scan.invalidAt, declared);
    return { text: decodeWindows1252(body), encoding: 'windows-1252' };
  }
  // UTF-16: a lone surrogate would silently become U+FFFD.
  const bad = loneSurrogateAt(body, encoding === 'utf-16le');
  if (bad !== -1) {
    const at = positionOfByte(bytes, bomLength + bad, encoding, bomLength);
    throw new AppError('bad_input', `invalid ${encoding.toUpperCase()}: an unpaired surrogate (the file is cut or damaged here)`, { file: fileName, ...at });
  }
  return { text: new TextDecoder(encoding).decode(body), encoding };
}

export interface Utf8Scan {
  /** Offset of the first byte that is not valid UTF-8, or -1. */
  invalidAt: number;
  /** Whether a valid multi-byte sequence came before it (the text really is UTF-8 up to there). */
  multibyteBefore: boolean;
  /** End of the last complete sequence (below length when `truncated` allowed a cut sequence). */
  completeEnd: number;
}

/**
 * Validates UTF-8 by hand, as TextDecoder can say that bytes are invalid but not where. With
 * `truncated`, a sequence cut at the end is not an error (the next chunk completes it).
 */
export function scanUtf8(bytes: Uint8Array, truncated: boolean): Utf8Scan {
  const n = bytes.length;
  let multibyte = false;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) (need = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (need = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (need = 3), (min = 0x10000);
    else return { invalidAt: i, multibyteBefore: multibyte, completeEnd: i };
    let code = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) {
        if (truncated) return { invalidAt: -1, multibyteBefore: multibyte, completeEnd: i };
        return { invalidAt: i, multibyteBefore: multibyte, completeEnd: i };
      }
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return { invalidAt: i, multibyteBefore: multibyte, completeEnd: i };
      code = (code << 6) | (c & 0x3f);
      // Overlong forms, surrogates and code points above U+10FFFF show as soon as the second byte is in.
      if (k === 1 && need >= 2) {
        const partial = code << (6 * (need - 1));
        if (partial + (1 << (6 * (need - 1))) - 1 < min || (need === 2 && partial >= 0xd800 && partial <= 0xdfff) || partial > 0x10ffff) {
          return { invalidAt: i, multibyteBefore: multibyte, completeEnd: i };
        }
      }
    }
    multibyte = true;
    i += need + 1;
  }
  return { invalidAt: -1, multibyteBefore: multibyte, completeEnd: n };
}

/** The message for a byte that is not UTF-8 in a file that otherwise reads as UTF-8. */
export function mixedEncodingError(fileName: string, bytes: Uint8Array, offset: number, declared: boolean): AppError {
  const at = positionOfByte(bytes, offset, 'utf-8', declared ? 3 : 0);
  return new AppError('bad_input', mixedEncodingMessage(bytes[offset], declared), { file: fileName, ...at });
}

export function mixedEncodingMessage(byte: number, declared: boolean): string {
  const hex = `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  const why = declared ? 'the file starts with a UTF-8 byte-order mark' : 'the text before it is UTF-8 with non-ASCII characters';
  return `byte ${hex} is not valid UTF-8, but ${why}: the file mixes encodings; re-save it as UTF-8`;
}

/**
 * 1-based line:column (UTF-16 code units, CRLF and lone CR one break, as SourceText counts) of
 * the byte at `offset`, decoding the bytes before it.
 */
export function positionOfByte(bytes: Uint8Array, offset: number, encoding: TextEncodingName, bomLength: number): { line: number; column: number } {
  const counter = new PositionCounter();
  counter.add(new TextDecoder(encoding).decode(bytes.subarray(bomLength, Math.max(bomLength, offset))));
  return counter.position();
}

/** Counts lines and columns over text fed piece by piece (the streamed path locates bytes this way). */
export class PositionCounter {
  private line = 1;
  private column = 1;
  private afterCr = false;

  add(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        if (!this.afterCr) this.line++;
        this.column = 1;
        this.afterCr = false;
      } else if (c === 13) {
        this.line++;
        this.column = 1;
        this.afterCr = true;
      } else {
        this.column++;
        this.afterCr = false;
      }
    }
  }

  position(): { line: number; column: number } {
    return { line: this.line, column: this.column };
  }
}

/** Byte offset of the first unpaired surrogate in UTF-16 bytes, or -1. */
export function loneSurrogateAt(bytes: Uint8Array, littleEndian: boolean): number {
  const unit = (i: number) => (littleEndian ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1]);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const u = unit(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 3 >= bytes.length) return i;
      const next = unit(i + 2);
      if (next < 0xdc00 || next > 0xdfff) return i;
      i += 2;
    } else if (u >= 0xdc00 && u <= 0xdfff) return i;
  }
  // An odd trailing byte is half a code unit.
  return bytes.length % 2 === 1 ? bytes.length - 1 : -1;
}

/** ASCII text in UTF-16 has a NUL in every other byte: even offsets for big-endian, odd for little. */
function utf16WithoutBom(sample: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (sample.length < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  const pairs = sample.length >> 1;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) evenNul++;
    if (sample[i + 1] === 0) oddNul++;
  }
  if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return 'utf-16be';
  return undefined;
}
