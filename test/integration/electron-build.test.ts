// `electron-vite build` without the Electron binary, into a temporary folder: the main and trainer
// entries are ES modules that import only Node, electron and installed packages; the preload is one
// self-contained CommonJS file that runs with nothing but require('electron') (as in Electron's
// sandbox) and exposes only window.comparo; the page carries the app's CSP and no inline script.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, IPC_INVOKE } from '../../main/app/window-options';
import { tempDir } from '../helpers/temp-dir';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('electron-vite build', () => {
  const out = tempDir('comparo-electron-build-');

  beforeAll(async () => {
    const { build } = await import('electron-vite');
    await build({ root: ROOT, logLevel: 'warn', build: { outDir: out.path, emptyOutDir: true } });
  });
  afterAll(() => out.cleanup());

  it('emits main and trainer entries that import only Node, electron and installed packages', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const packages = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
    const builtins = new Set(builtinModules);
    for (const entry of ['index.js', 'trainer.js']) {
      const file = join(out.path, 'main', entry);
      expect(existsSync(file), file).toBe(true);
      const code = readFileSync(file, 'utf8');
      expect(code).not.toMatch(/\brequire\(\s*["']electron["']\)/); // ESM, not CJS
      const specifiers = [...code.matchAll(/^\s*import\s[^'"]*?["']([^"']+)["']/gm), ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
      expect(specifiers.length).toBeGreaterThan(0);
      for (const specifier of specifiers) {
        if (specifier.startsWith('./chunks/')) continue;
        const bare = specifier.replace(/^node:/, '');
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        const known = specifier === 'electron' || builtins.has(bare) || builtins.has(bare.split('/')[0]) || packages.has(name);
        expect(known, `${entry} imports '${specifier}'`).toBe(true);
      }
    }
    expect(readFileSync(join(out.path, 'main', 'trainer.js'), 'utf8')).not.toMatch(/from\s+["']electron["']/);
  });

  it('emits a self-contained CommonJS preload that exposes only window.comparo', async () => {
    const code = readFileSync(join(out.path, 'preload', 'index.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])).toEqual(['electron']);

    const exposed: Record<string, any> = {};
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void (exposed[key] = value) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return { ok: true, value: 'pong' };
        },
        on: () => {},
        removeListener: () => {},
      },
    };
    const sandboxRequire = (id: string): unknown => {
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require '${id}'`);
    };
    const module = { exports: {} };
    // A bare context: no Node globals at all, stricter than Electron's sandboxed preload.
    const wrapper = vm.runInContext(`(function (exports, require, module) {${code}\n})`, vm.createContext({}), { filename: 'index.cjs' });
    wrapper(module.exports, sandboxRequire, module);
    expect(Object.keys(exposed)).toEqual(['comparo']);
    expect(Object.keys(exposed.comparo).sort()).toEqual(['invoke', 'on']);
    await exposed.comparo.invoke('app.info', {});
    expect(invoked).toEqual([[IPC_INVOKE, 'app.info', {}]]);
    expect(await exposed.comparo.invoke('shell.exec', {})).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it("gives the page the app's CSP as its only policy, and no inline script", () => {
    const html = readFileSync(join(out.path, 'renderer', 'index.html'), 'utf8');
    const policies = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map((m) => m[1].replaceAll('&#39;', "'"));
    const expected = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
    expect(policies).toEqual([expected]);
    expect(html.match(/http-equiv/gi)).toHaveLength(1);
    for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      expect(script[1]).toMatch(/\bsrc=/);
      expect(script[2].trim()).toBe('');
    }
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });
});
