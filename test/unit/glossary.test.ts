// The app's hover explanations (shared/glossary.ts) and docs/glossary.md say the same words.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GLOSSARY } from '../../shared/glossary';

describe('glossary', () => {
  it('docs/glossary.md lists every term with the text the app shows', () => {
    const doc = readFileSync(new URL('../../docs/glossary.md', import.meta.url), 'utf8');
    for (const [term, text] of Object.entries(GLOSSARY)) expect(doc, term).toContain(`- **${term}**: ${text}`);
    expect(doc.match(/^- \*\*/gm)).toHaveLength(Object.keys(GLOSSARY).length);
  });
});
