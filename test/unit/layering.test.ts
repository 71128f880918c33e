// Layering rules of the source tree (README.md, "Layout"), checked file by file:
// - shared/ is pure TypeScript: no electron, no Node builtins (node:* or bare), no React, no tfjs;
// - renderer/ imports shared/ only: nothing under main/, no Node builtins, no electron;
// - only main/app and main/preload import electron, and nothing else under main/ imports them;
// - rooms (the top-level folders under main/) depend one way only: no import cycle between rooms.
// Specifiers are found with regexes (import/export-from, side-effect import, dynamic import(),
// require()) over every .ts/.tsx file after blanking comments; type-only imports count too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCANNED = ['shared', 'renderer', 'main'];

export interface ImportRef {
  specifier: string;
  line: number;
}

/** Replaces comments with spaces (newlines kept, so offsets still give line numbers). */
export function blankComments(source: string): string {
  let out = '';
  let i = 0;
  let quote: string | null = null;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      if (c === '"' || c === "'" || c === '`') quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

const PATTERNS = [
  // import x from 'a'; import { x } from 'a'; import type { X } from 'a'; export { x } from 'a'; export * from 'a'
  /\b(?:import|export)\s+[\w*{}\s,$]*?\bfrom\s*(['"])([^'"\n]+)\1/g,
  // import 'a' (side effects)
  /\bimport\s*(['"])([^'"\n]+)\1/g,
  // import('a'), require('a'), and vi.mock('a') is deliberately not matched
  /\b(?:import|require)\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
];

export function findImports(source: string): ImportRef[] {
  const code = blankComments(source);
  const refs: ImportRef[] = [];
  for (const pattern of PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const line = code.slice(0, match.index).split('\n').length;
      refs.push({ specifier: match[2], line });
    }
  }
  return refs.sort((a, b) => a.line - b.line);
}

const BUILTINS = new Set(builtinModules.map((m) => m.replace(/^node:/, '')));

export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

const isElectron = (s: string): boolean => s === 'electron' || s.startsWith('electron/');
const isReact = (s: string): boolean => /^(react|react-dom)(\/|$)/.test(s);
const isTensorflow = (s: string): boolean => s.startsWith('@tensorflow/');

function listSources(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...listSources(path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Path relative to the repo root with forward slashes. */
const rel = (path: string): string => relative(ROOT, path).split(sep).join('/');

/** Where a relative specifier points, relative to the repo root; null for packages. */
function target(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return rel(resolve(dirname(file), specifier));
}

const ELECTRON_ROOMS = ['main/app/', 'main/preload/'];

/** The rule a file breaks with this import, or null. */
export function violation(file: string, specifier: string): string | null {
  const from = rel(file);
  const to = target(file, specifier);
  if (from.startsWith('shared/')) {
    if (isElectron(specifier)) return 'shared/ must not import electron';
    if (isNodeBuiltin(specifier)) return 'shared/ must not import Node builtins';
    if (isReact(specifier)) return 'shared/ must not import React';
    if (isTensorflow(specifier)) return 'shared/ must not import tfjs';
    if (to && !to.startsWith('shared/')) return 'shared/ must import only shared/';
  }
  if (from.startsWith('renderer/')) {
    if (isElectron(specifier)) return 'renderer/ must not import electron (use the contract)';
    if (isNodeBuiltin(specifier)) return 'renderer/ must not import Node builtins';
    if (to && (to === 'main' || to.startsWith('main/'))) return 'renderer/ must not import main/ (use shared/)';
  }
  if (from.startsWith('main/') && !ELECTRON_ROOMS.some((room) => from.startsWith(room))) {
    if (isElectron(specifier)) return 'only main/app and main/preload may import electron';
    if (to && ELECTRON_ROOMS.some((room) => `${to}/`.startsWith(room))) return 'main/app and main/preload are Electron-only; import them from nowhere else';
  }
  return null;
}

/** The room of a repo-relative path: its top-level folder under main/ (null outside main/). */
export function roomOf(path: string): string | null {
  return /^main\/([^/]+)\//.exec(path)?.[1] ?? null;
}

/**
 * Groups of rooms that import each other, directly or around a loop (the strongly connected
 * components of more than one room, Tarjan's algorithm), each sorted, in sorted order.
 */
export function roomCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (room: string): void => {
    index.set(room, index.size);
    low.set(room, index.get(room)!);
    stack.push(room);
    onStack.add(room);
    for (const next of edges.get(room) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(room, Math.min(low.get(room)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(room, Math.min(low.get(room)!, index.get(next)!));
    }
    if (low.get(room) !== index.get(room)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== room);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const room of [...edges.keys()].sort()) if (!index.has(room)) visit(room);
  return cycles.sort((a, b) => a.join().localeCompare(b.join()));
}

/**
 * Cycles older than the rule, each to be broken by its rooms' owners: the test fails when one is
 * broken (so it leaves this list) or a new one appears. services <-> ipc: services/index.ts wires
 * ipc's handlers, which take services' ServiceSet; inference <-> services: inference/
 * prediction-file.ts reads input files with services/import's parsers.
 */
const KNOWN_ROOM_CYCLES = [['inference', 'ipc', 'services']];

describe('import scanner', () => {
  it('finds every import form, with line numbers, ignoring comments and strings in comments', () => {
    const source = [
      "import { a } from 'a';", // 1
      'import type { B } from "b";', // 2
      'import {', // 3
      '  c,', // 4
      "} from 'c';", // 5
      "export * from './d';", // 6
      "export { e } from 'e';", // 7
      "import 'f';", // 8
      "const g = await import('g');", // 9
      "const h = require('h');", // 10
      "// import x from 'electron';", // 11
      "/* require('electron') */", // 12
      "const url = 'http://example.com'; import i from 'i';", // 13
      "import j, { k } from 'node:fs';", // 14
    ].join('\n');
    expect(findImports(source)).toEqual([
      { specifier: 'a', line: 1 },
      { specifier: 'b', line: 2 },
      { specifier: 'c', line: 3 },
      { specifier: './d', line: 6 },
      { specifier: 'e', line: 7 },
      { specifier: 'f', line: 8 },
      { specifier: 'g', line: 9 },
      { specifier: 'h', line: 10 },
      { specifier: 'i', line: 13 },
      { specifier: 'node:fs', line: 14 },
    ]);
  });

  it('classifies builtins and rule breaks', () => {
    expect(isNodeBuiltin('fs')).toBe(true);
    expect(isNodeBuiltin('fs/promises')).toBe(true);
    expect(isNodeBuiltin('node:path')).toBe(true);
    expect(isNodeBuiltin('child_process')).toBe(true);
    expect(isNodeBuiltin('zod')).toBe(false);
    const at = (path: string): string => join(ROOT, path);
    expect(violation(at('shared/x.ts'), 'node:crypto')).toMatch(/Node builtins/);
    expect(violation(at('shared/x.ts'), 'react')).toMatch(/React/);
    expect(violation(at('shared/x.ts'), '@tensorflow/tfjs')).toMatch(/tfjs/);
    expect(violation(at('shared/x.ts'), 'zod')).toBeNull();
    expect(violation(at('renderer/a/b.tsx'), '../../main/services/index')).toMatch(/main\//);
    expect(violation(at('renderer/a.tsx'), '../shared/contract')).toBeNull();
    expect(violation(at('renderer/a.tsx'), 'path')).toMatch(/Node builtins/);
    expect(violation(at('main/services/x.ts'), 'electron')).toMatch(/electron/);
    expect(violation(at('main/training/x.ts'), 'electron/main')).toMatch(/electron/);
    expect(violation(at('main/services/x.ts'), 'electron-vite')).toBeNull();
    expect(violation(at('main/services/x.ts'), '../app/window')).toMatch(/Electron-only/);
    expect(violation(at('main/app/index.ts'), 'electron')).toBeNull();
    expect(violation(at('main/preload/index.ts'), 'electron')).toBeNull();
  });
});

describe('source tree layering', () => {
  const files = SCANNED.flatMap((dir) => listSources(join(ROOT, dir)));

  it('scans the real tree', () => {
    expect(files.some((f) => rel(f) === 'shared/contract.ts')).toBe(true);
    expect(findImports(readFileSync(join(ROOT, 'shared/contract.ts'), 'utf8')).map((r) => r.specifier)).toContain('zod');
  });

  it('has no import that breaks a layering rule', () => {
    const offences: string[] = [];
    for (const file of files) {
      for (const ref of findImports(readFileSync(file, 'utf8'))) {
        const why = violation(file, ref.specifier);
        if (why) offences.push(`${rel(file)}:${ref.line}: '${ref.specifier}': ${why}`);
      }
    }
    if (offences.length > 0) console.error(`Layering violations:\n${offences.join('\n')}`);
    expect(offences).toEqual([]);
  });
});

describe('rooms', () => {
  it('finds the rooms of a cycle, direct or around a loop, and nothing in a one-way graph', () => {
    const graph = (pairs: string[]) => {
      const edges = new Map<string, Set<string>>();
      for (const pair of pairs) {
        const [from, to] = pair.split('>');
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
      return edges;
    };
    expect(roomOf('main/training/engine.ts')).toBe('training');
    expect(roomOf('main/services/import/csv-stream.ts')).toBe('services');
    expect(roomOf('shared/contract.ts')).toBeNull();
    expect(roomCycles(graph(['training>models', 'pretrained>models', 'training>pretrained', 'models>kernels']))).toEqual([]);
    expect(roomCycles(graph(['training>pretrained', 'pretrained>training', 'training>models']))).toEqual([['pretrained', 'training']]);
    expect(roomCycles(graph(['a>b', 'b>c', 'c>a', 'd>e', 'e>d', 'c>d']))).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });

  it('depend one way only: no import cycle between the rooms under main/', () => {
    const files = listSources(join(ROOT, 'main'));
    const edges = new Map<string, Set<string>>();
    const example = new Map<string, string>();
    for (const file of files) {
      const from = roomOf(rel(file))!;
      for (const ref of findImports(readFileSync(file, 'utf8'))) {
        const to = roomOf(`${target(file, ref.specifier) ?? ''}/`);
        if (!to || to === from) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
        if (!example.has(`${from}>${to}`)) example.set(`${from}>${to}`, `${rel(file)}:${ref.line} imports '${ref.specifier}'`);
      }
    }
    // The training <-> pretrained cycle is gone for good: models and kernels sit below both.
    expect(edges.get('training')).toContain('pretrained');
    expect(edges.get('pretrained') ?? new Set()).not.toContain('training');
    const cycles = roomCycles(edges);
    const explain = (cycle: string[]) =>
      [...example].filter(([edge]) => cycle.includes(edge.split('>')[0]) && cycle.includes(edge.split('>')[1])).map(([edge, where]) => `  ${edge.replace('>', ' -> ')}: ${where}`);
    const unexpected = cycles.filter((cycle) => !KNOWN_ROOM_CYCLES.some((known) => known.join() === cycle.join()));
    if (unexpected.length > 0) console.error(`Import cycles between rooms:\n${unexpected.flatMap(explain).join('\n')}`);
    expect(cycles).toEqual(KNOWN_ROOM_CYCLES);
  });
});
