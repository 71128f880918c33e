// `electron-vite build` without the Electron binary, into a temporary folder: the main and trainer
// entries are ES modules that import only Node, electron and installed packages; the preload is one
// self-contained CommonJS file that runs with nothing but require('electron') (as in Electron's
// sandbox) and exposes only window.comparo; the page carries the app's CSP and no inline script.
// Then electron-builder packs that build offline (a stand-in electronDist, as docs/desktop.md
// describes) and the package is checked: app code in app.asar, native modules and wasm unpacked,
// datasets in resources, no devDependencies and no dependency source maps.
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, IPC_INVOKE } from '../../main/app/window-options';
import { tempDir } from '../helpers/temp-dir';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('electron-vite build', () => {
  // A stand-in project folder: the build goes to <stage>/out, as `npm run build` puts it in ./out.
  const stage = tempDir('comparo-electron-build-');
  const out = { path: join(stage.path, 'out') };

  beforeAll(async () => {
    const { build } = await import('electron-vite');
    await build({ root: ROOT, logLevel: 'warn', build: { outDir: out.path, emptyOutDir: true } });
  });
  afterAll(() => stage.cleanup());

  it('emits main, trainer, predictor and pretrainer entries that import only Node, electron and installed packages', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const packages = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
    const builtins = new Set(builtinModules);
    for (const entry of ['index.js', 'trainer.js', 'predictor.js', 'pretrainer.js']) {
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
    // Worker processes run as plain Node (utilityProcess or ELECTRON_RUN_AS_NODE): no electron import.
    for (const worker of ['trainer.js', 'predictor.js', 'pretrainer.js']) expect(readFileSync(join(out.path, 'main', worker), 'utf8')).not.toMatch(/from\s+["']electron["']/);
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

  // Linux only: the stand-in Electron is a shell script named `electron`, as in Linux zips.
  it.skipIf(process.platform !== 'linux')(
    'packs offline with a local electronDist into the expected layout',
    () => {
      for (const file of ['package.json', 'package-lock.json', 'electron-builder.yml']) cpSync(join(ROOT, file), join(stage.path, file));
      cpSync(join(ROOT, 'assets'), join(stage.path, 'assets'), { recursive: true });
      // The committed prebuilt accelerator (npm run prebuild:native), not a local build.
      cpSync(join(ROOT, 'native/openblas/prebuilds'), join(stage.path, 'native/openblas/prebuilds'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(stage.path, 'node_modules'), 'dir');
      const dist = join(stage.path, 'electron-dist');
      mkdirSync(join(dist, 'resources'), { recursive: true });
      writeFileSync(join(dist, 'electron'), '#!/bin/sh\nexit 0\n');
      chmodSync(join(dist, 'electron'), 0o755);
      const release = join(stage.path, 'release');
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/electron-builder/cli.js'), '--linux', 'dir', '--projectDir', stage.path, `-c.electronDist=${dist}`, '-c.npmRebuild=false', `-c.directories.output=${release}`],
        { cwd: stage.path, stdio: 'pipe', env: { ...process.env, CI: '1' } },
      );
      const unpackedDir = readdirSync(release).find((name) => /^linux.*-unpacked$/.test(name));
      expect(unpackedDir).toBeDefined();
      const app = join(release, unpackedDir!);
      expect(existsSync(join(app, 'comparo'))).toBe(true); // linux.executableName
      const resources = join(app, 'resources');
      expect(existsSync(join(resources, 'datasets', 'imdb-reviews-2k.csv'))).toBe(true);
      expect(existsSync(join(resources, 'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
      expect(readdirSync(join(resources, 'app.asar.unpacked/node_modules/@tensorflow/tfjs-backend-wasm/dist')).some((f) => f.endsWith('.wasm'))).toBe(true);
      // The prebuilt accelerator for this platform, unpacked beside app.asar, where node-gyp-build
      // (as main/kernels/openblas-kernels.ts calls it) finds and loads it.
      const accelerator = join(resources, 'app.asar.unpacked/native/openblas');
      expect(readdirSync(join(accelerator, 'prebuilds'))).toContain(`${process.platform}-${process.arch}`);
      const probe = execFileSync(process.execPath, ['-e', "const f = require('node-gyp-build').resolve(process.argv[1]); console.log(f, require(f).threads())", accelerator], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, PREBUILDS_ONLY: '1' },
      });
      expect(probe).toContain(join(accelerator, 'prebuilds', `${process.platform}-${process.arch}`));

      const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json', { paths: [join(ROOT, 'node_modules/electron-builder')] }));
      const asar = builderRequire('@electron/asar') as { listPackage(path: string, options: object): string[] };
      const files = new Set(asar.listPackage(join(resources, 'app.asar'), {}).map((f) => f.split('\\').join('/')));
      for (const file of ['/package.json', '/out/main/index.js', '/out/main/trainer.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/node_modules/zod/package.json', '/node_modules/node-gyp-build/package.json', '/node_modules/@tensorflow/tfjs/dist/tf.node.js']) {
        expect(files.has(file), file).toBe(true);
      }
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      for (const dev of Object.keys(pkg.devDependencies)) expect(files.has(`/node_modules/${dev}`), dev).toBe(false);
      expect([...files].filter((f) => f.startsWith('/node_modules/') && f.endsWith('.map'))).toEqual([]);
    },
    180_000,
  );
});
