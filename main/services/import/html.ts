// HTML left in texts by scrapers (IMDB reviews carry "<br /><br />" between paragraphs, forum
// dumps carry "&amp;"): the model would learn the markup as words. An import finds it and says so
// (the report's 'html_markup' finding); with stripHtml it removes the tags and decodes the common
// entities before anything is stored. Only known HTML tag names with name=value attributes
// count, so "a<b and c>d" in a maths text is not mistaken for a tag.
import type { RawRecord } from './raw-table';
import type { TextPosition } from './source-text';

const TAG_NAMES = 'a|abbr|b|big|blockquote|br|center|code|dd|div|dl|dt|em|font|h[1-6]|hr|i|img|li|ol|p|pre|q|s|small|span|strike|strong|sub|sup|table|tbody|td|th|thead|tr|tt|u|ul';
/** Tags that separate text: removed as a space, so "end.<br />Next" does not become "end.Next". */
const BREAKING_TAGS = /^(br|p|div|li|hr|h[1-6]|tr|td|th|blockquote|dd|dt|ul|ol|table|pre)$/i;
// Attributes must be name=value: "<b and c>" is an inequality, not a bold tag.
const TAG = new RegExp(`<\\/?(${TAG_NAMES})(?:\\s+[a-z-]+\\s*=\\s*(?:"[^"]*"|'[^']*'|[^\\s"'<>]+))*\\s*\\/?>`, 'gi');
const ENTITY = /&(#\d{1,7}|#x[0-9a-f]{1,6}|amp|lt|gt|quot|apos|nbsp|#39);/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
/** Where a few texts with markup are, for the report (as for its other findings). */
const MAX_LOCATIONS = 20;
/** Distinct spellings counted for "such as": enough to find the common one, bounded for huge files. */
const MAX_SPELLINGS = 50;

/** Removes the tags (breaking ones become a space) and decodes the common entities, in one pass each. */
export function stripHtml(text: string): string {
  const untagged = text.replace(TAG, (_tag, name: string) => (BREAKING_TAGS.test(name) ? ' ' : ''));
  // One pass over the entities: "&amp;lt;" becomes "&lt;", not "<".
  const decoded = untagged.replace(ENTITY, (entity, body: string) => decodeEntity(body) ?? entity);
  // The spaces the tags left, not the person's own line breaks.
  return decoded.replace(/[ \t]{2,}/g, ' ').trim();
}

function decodeEntity(body: string): string | undefined {
  const lower = body.toLowerCase();
  if (lower in NAMED) return NAMED[lower];
  const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : undefined;
}

/** The first tag or entity in the text, as written, or undefined when it has none. */
export function firstMarkup(text: string): string | undefined {
  // Cheap test first: most texts have neither '<' nor '&'.
  if (text.indexOf('<') === -1 && text.indexOf('&') === -1) return undefined;
  TAG.lastIndex = 0;
  ENTITY.lastIndex = 0;
  const tag = TAG.exec(text);
  const entity = ENTITY.exec(text);
  TAG.lastIndex = 0;
  ENTITY.lastIndex = 0;
  if (!tag) return entity?.[0];
  if (!entity) return tag[0];
  return tag.index <= entity.index ? tag[0] : entity[0];
}

/** What one file's texts held: how many had markup, the commonest spelling, where the first are. */
export interface HtmlFinding {
  /** Texts (a pair's two texts count as one row) with at least one tag or entity. */
  rows: number;
  /** The commonest tag or entity, as written ("<br />"). */
  example: string;
  locations: Array<TextPosition & { file: string }>;
  /** Whether the markup was removed before storing. */
  stripped: boolean;
}

/** Counts markup row by row, and strips it when asked; one per file being read. */
export class HtmlTally {
  private count = 0;
  private readonly spellings = new Map<string, number>();
  private readonly locations: Array<TextPosition & { file: string }> = [];

  constructor(
    private readonly fileName: string,
    readonly strip: boolean,
  ) {}

  /** The last record counted, so a pair's two texts count as one row (the streamed reader reuses one record object, hence the line too). */
  private lastRecord: RawRecord | undefined;
  private lastLine = 0;

  /** The text as it is to be stored (no allocation when it has no markup: this runs per text at 1M rows). */
  review(text: string, record: RawRecord, column: string): string {
    const markup = firstMarkup(text);
    if (markup === undefined) return text;
    if (record !== this.lastRecord || record.line !== this.lastLine) {
      this.lastRecord = record;
      this.lastLine = record.line;
      this.count++;
      if (this.locations.length < MAX_LOCATIONS) this.locations.push({ file: this.fileName, ...record.locate(column) });
    }
    const spelling = markup.toLowerCase();
    if (this.spellings.has(spelling) || this.spellings.size < MAX_SPELLINGS) this.spellings.set(spelling, (this.spellings.get(spelling) ?? 0) + 1);
    return this.strip ? stripHtml(text) : text;
  }

  finding(): HtmlFinding | undefined {
    if (this.count === 0) return undefined;
    const [example] = [...this.spellings.entries()].sort((a, b) => b[1] - a[1])[0];
    return { rows: this.count, example, locations: this.locations, stripped: this.strip };
  }
}

/** One finding for several files (a folder of splits), or undefined when none had markup. */
export function mergeHtmlFindings(findings: Array<HtmlFinding | undefined>): HtmlFinding | undefined {
  const present = findings.filter((f): f is HtmlFinding => f !== undefined);
  if (present.length === 0) return undefined;
  const biggest = present.reduce((a, b) => (b.rows > a.rows ? b : a));
  return {
    rows: present.reduce((sum, f) => sum + f.rows, 0),
    example: biggest.example,
    locations: present.flatMap((f) => f.locations).slice(0, MAX_LOCATIONS),
    stripped: present[0].stripped,
  };
}

/** The report's sentence about it (main/services/import/report.ts, stream-store.ts). */
export function htmlMessage(finding: HtmlFinding): string {
  const texts = `${finding.rows} text${finding.rows === 1 ? '' : 's'}`;
  if (finding.stripped) return `HTML tags and entities such as ${finding.example} were removed from ${texts} before storing`;
  return `${texts} contain HTML tags or entities such as ${finding.example}; the model would read them as words. Import with "Strip HTML tags" (CLI --strip-html) to remove the tags and decode the entities`;
}
