// The worker's container recipe (Dockerfile) cannot be built here (no Docker daemon, no registry),
// so what can drift from the repository is checked: its entrypoint runs a script package.json
// defines, and every path it copies exists.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the worker Dockerfile', () => {
  it('starts `npm run worker`, which package.json defines, as an unprivileged user', () => {
    const entry = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile);
    expect(entry).not.toBeNull();
    const argv = JSON.parse(entry![1]) as string[];
    expect(argv.slice(0, 2)).toEqual(['npm', 'run']);
    const script = argv.find((a, i) => i > 1 && !a.startsWith('-'));
    expect(script).toBe('worker');
    expect(scripts.worker).toMatch(/main\/worker\/index\.ts/);
    expect(existsSync('main/worker/index.ts')).toBe(true);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('copies only paths that exist', () => {
    const sources = [...dockerfile.matchAll(/^COPY\s+(.+)\s+\S+\s*$/gm)].flatMap((m) => m[1].split(/\s+/)).filter((s) => s !== '.');
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(source), source).toBe(true);
  });
});
