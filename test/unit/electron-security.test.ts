// Electron hardening checked without the Electron binary: the window's webPreferences and CSP
// (plain constants), the app-URL rule behind navigation and IPC-sender checks, the preload's
// source (one key exposed, never ipcRenderer), and electron-builder.yml.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appEntryUrl, isAppUrl, isExternalLinkAllowed } from '../../main/app/app-url';
import { DATASET_FILE_EXTENSIONS } from '../../main/app/launch-options';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY, WEB_PREFERENCES } from '../../main/app/window-options';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8');

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name, sources);
  }
  return map;
}

describe('BrowserWindow webPreferences', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    expect(WEB_PREFERENCES.contextIsolation).toBe(true);
    expect(WEB_PREFERENCES.sandbox).toBe(true);
    expect(WEB_PREFERENCES.nodeIntegration).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInWorker).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInSubFrames).toBe(false);
    expect(WEB_PREFERENCES.webSecurity).toBe(true);
    expect(WEB_PREFERENCES.allowRunningInsecureContent).toBe(false);
    expect(WEB_PREFERENCES.webviewTag).toBe(false);
    expect('preload' in WEB_PREFERENCES).toBe(false); // added per window, never a shared path
  });

  it('window.ts spreads these options and only adds the preload', () => {
    const source = read('main/app/window.ts');
    expect(source).toMatch(/webPreferences:\s*\{\s*\.\.\.WEB_PREFERENCES,\s*preload:\s*options\.preloadPath\s*\}/);
  });
});

describe('where windows and Electron switches are set', () => {
  const sources = (dir: string): string[] =>
    readdirSync(resolve(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${dir}/${f.split('\\').join('/')}`);

  it('creates BrowserWindows and sets webPreferences only in main/app/window.ts', () => {
    for (const file of sources('main')) {
      const code = read(file).replace(/\/\/.*$/gm, '');
      if (file === 'main/app/window.ts') continue;
      expect(code, file).not.toMatch(/new BrowserWindow\b/);
      expect(code, file).not.toMatch(/webPreferences\s*:/);
    }
  });

  it('sandboxes every renderer and takes the single-instance lock before anything starts', () => {
    const index = read('main/app/index.ts');
    const sandbox = index.indexOf('app.enableSandbox();');
    const lock = index.indexOf('if (!app.requestSingleInstanceLock())');
    const ready = index.indexOf('app\n    .whenReady()');
    expect(sandbox).toBeGreaterThan(0);
    expect(lock).toBeGreaterThan(sandbox);
    expect(ready).toBeGreaterThan(lock);
    // Security handlers are installed before services and the window exist.
    expect(index.indexOf('installSecurity(')).toBeLessThan(index.indexOf('openWindow();\n      shell'));
    expect(index).toContain("nativeTheme.themeSource = 'system'");
  });
});

describe('Content-Security-Policy', () => {
  const prod = directives(CONTENT_SECURITY_POLICY);
  const dev = directives(DEV_CONTENT_SECURITY_POLICY);

  it("defaults to 'self' and never allows eval", () => {
    for (const policy of [prod, dev]) {
      expect(policy.get('default-src')).toEqual(["'self'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('base-uri')).toEqual(["'none'"]);
      expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
      expect([...policy.values()].flat()).not.toContain('*');
    }
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(DEV_CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('allows nothing inline and no network in the packaged app', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(prod.get('script-src')).toEqual(["'self'"]);
    expect(prod.get('connect-src')).toEqual(["'self'"]);
    expect(prod.get('frame-src')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:/);
  });

  it('is what the electron-vite config writes into index.html', () => {
    const config = read('electron.vite.config.ts');
    expect(config).toMatch(/import \{ CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY \} from '\.\/main\/app\/window-options'/);
    expect(config).toContain('contentSecurityPolicyMeta()');
  });
});

describe('app URL (navigation and IPC sender checks)', () => {
  const indexHtml = resolve(ROOT, 'out/renderer/index.html');
  const fileEntry = appEntryUrl({ devServerUrl: undefined, indexHtmlPath: indexHtml });
  const devEntry = appEntryUrl({ devServerUrl: 'http://localhost:5173', indexHtmlPath: indexHtml });

  it('accepts the entry file itself, with any query or hash', () => {
    expect(fileEntry).toBe(pathToFileURL(indexHtml).href);
    expect(isAppUrl(fileEntry, fileEntry)).toBe(true);
    expect(isAppUrl(`${fileEntry}#/runs/42`, fileEntry)).toBe(true);
    expect(isAppUrl(`${fileEntry}?tab=2`, fileEntry)).toBe(true);
  });

  it('rejects look-alikes a substring check would let through', () => {
    expect(isAppUrl(`${fileEntry}.evil.html`, fileEntry)).toBe(false);
    expect(isAppUrl(pathToFileURL(resolve(ROOT, 'out/renderer/other.html')).href, fileEntry)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', fileEntry)).toBe(false);
    expect(isAppUrl(`https://evil.example/${fileEntry}`, fileEntry)).toBe(false);
    expect(isAppUrl(`https://evil.example/?u=${encodeURIComponent(fileEntry)}`, fileEntry)).toBe(false);
    expect(isAppUrl('http://localhost:5173.evil.example/', devEntry)).toBe(false);
    expect(isAppUrl('http://localhost:5173@evil.example/', devEntry)).toBe(false);
    expect(isAppUrl('http://user:pw@localhost:5173/', devEntry)).toBe(false);
    expect(isAppUrl('http://localhost:5174/', devEntry)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', devEntry)).toBe(false);
    expect(isAppUrl('javascript:alert(1)', fileEntry)).toBe(false);
    expect(isAppUrl('not a url', fileEntry)).toBe(false);
    expect(isAppUrl('about:blank', fileEntry)).toBe(false);
  });

  it('accepts any page of the dev server origin', () => {
    expect(isAppUrl('http://localhost:5173/', devEntry)).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.tsx?t=1', devEntry)).toBe(true);
  });

  it('refuses dev server URLs that are not http(s)', () => {
    expect(() => appEntryUrl({ devServerUrl: 'file:///tmp/x.html', indexHtmlPath: indexHtml })).toThrow();
  });

  it('opens only https links externally', () => {
    expect(isExternalLinkAllowed('https://github.com/comparo')).toBe(true);
    expect(isExternalLinkAllowed('http://example.com')).toBe(false);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
    expect(isExternalLinkAllowed('smb://host/share')).toBe(false);
    expect(isExternalLinkAllowed('https://user:pw@example.com')).toBe(false);
    expect(isExternalLinkAllowed('nonsense')).toBe(false);
  });
});

describe('preload source', () => {
  const source = read('main/preload/index.ts');
  const code = source.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');

  it("exposes exactly one key, 'comparo'", () => {
    const calls = [...code.matchAll(/contextBridge\.exposeInMainWorld\(\s*(['"])([^'"]+)\1\s*,\s*(\w+)\s*\)/g)];
    expect(calls.map((c) => c[2])).toEqual(['comparo']);
    expect(code.match(/exposeInMainWorld|exposeInIsolatedWorld|executeInMainWorld/g)).toEqual(['exposeInMainWorld']);
    expect(calls[0][3]).toBe('api');
    expect(code).toMatch(/\}\s*satisfies Api;/);
  });

  it('never exposes ipcRenderer: every use outside the import is a call of invoke/on/removeListener', () => {
    const uses = [...code.matchAll(/\bipcRenderer\b(\s*\.\s*(\w+))?/g)];
    const importUse = uses.filter((u) => u[1] === undefined);
    expect(importUse).toHaveLength(1); // the import specifier itself
    expect(code).toMatch(/import \{[^}]*\bipcRenderer\b[^}]*\} from 'electron';/);
    for (const use of uses.filter((u) => u[1] !== undefined)) {
      expect(['invoke', 'on', 'removeListener']).toContain(use[2]);
    }
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/\bsend(Sync)?\s*\(/);
  });

  it('checks the channel name against the contract before invoking', () => {
    expect(code).toMatch(/if \(!isChannel\(channel\)\)/);
  });
});

/** electron-builder's own dependencies, resolved the way electron-builder resolves them. */
function builderRequire(): NodeJS.Require | null {
  try {
    const require = createRequire(import.meta.url);
    return createRequire(require.resolve('app-builder-lib/package.json', { paths: [dirname(require.resolve('electron-builder/package.json'))] }));
  } catch {
    return null;
  }
}

describe('electron-builder.yml', () => {
  const text = read('electron-builder.yml');
  const req = builderRequire();

  it('parses and names the app, its targets and what stays unpacked', () => {
    let config: Record<string, any>;
    if (req) {
      config = req('js-yaml').load(text) as Record<string, any>;
    } else {
      // No YAML parser here: check the structure line by line.
      for (const line of ['appId: dev.comparo.app', 'productName: Comparo', '  - node_modules/better-sqlite3/**', '    - AppImage', '    - deb', '    - dmg', '    - nsis']) {
        expect(text.split('\n')).toContain(line);
      }
      return;
    }
    expect(config.appId).toBe('dev.comparo.app');
    expect(config.productName).toBe('Comparo');
    expect(config.productName).toBe(JSON.parse(read('package.json')).productName);
    expect(config.directories.output).toBe('release');
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/@tensorflow/tfjs-node/**', 'node_modules/@tensorflow/tfjs-node-gpu/**']),
    );
    expect(config.asarUnpack.some((p: string) => p.includes('tfjs-backend-wasm') && p.endsWith('.wasm'))).toBe(true);
    expect(config.extraResources).toEqual([
      { from: 'assets/datasets', to: 'datasets' },
      { from: 'assets/models', to: 'models' },
    ]);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Development');
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.npmRebuild).toBe(true);
    expect(existsSync(resolve(ROOT, config.icon))).toBe(true);
    // Files it offers to open are files the app can import (main/app/launch-options.ts).
    const associated = (config.fileAssociations as { ext: string | string[] }[]).flatMap((a) => a.ext);
    expect(associated.length).toBeGreaterThan(0);
    for (const ext of associated) expect(DATASET_FILE_EXTENSIONS).toContain(`.${ext}`);
  });

  it("matches electron-builder's configuration schema", async () => {
    if (!req) return;
    const { getConfig, validateConfiguration } = req('./out/util/config/config.js');
    const { DebugLogger } = req('builder-util');
    const config = await getConfig(ROOT, resolve(ROOT, 'electron-builder.yml'), null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('ships a 512x512 PNG icon', () => {
    const png = readFileSync(resolve(ROOT, 'assets/icon.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});
