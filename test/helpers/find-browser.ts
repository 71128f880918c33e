// Where a Chromium-family browser for the end-to-end tests and the chart benchmark is, on any
// desktop OS: an explicit path first (COMPARO_BROWSER, then CHROMIUM_PATH), then the system's
// Chromium / Chrome / Edge in their usual places, then Playwright's own browser cache (where
// `npx playwright install chromium` puts it). Pure over its inputs, so every platform's list is
// tested on this one (test/unit/find-browser.test.ts).
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface BrowserSearch {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  exists: (path: string) => boolean;
  /** Entries of a folder, [] when it does not exist. */
  list: (folder: string) => string[];
}

/** The one line a person reads when no browser is found: what to run, for each way there is. */
export const NO_BROWSER_HELP =
  'No Chromium-family browser found for the end-to-end tests: set COMPARO_BROWSER=/path/to/chrome, or run `npx playwright install chromium`, or on Debian/Ubuntu `apt-get install chromium`.';

/** Candidate executables, most explicit first. */
export function browserCandidates(s: BrowserSearch): string[] {
  const explicit = [s.env.COMPARO_BROWSER, s.env.CHROMIUM_PATH].filter((p): p is string => !!p);
  const programFiles = [s.env.PROGRAMFILES, s.env['PROGRAMFILES(X86)'], s.env.LOCALAPPDATA].filter((p): p is string => !!p);
  const system =
    s.platform === 'darwin'
      ? [
          '/Applications/Chromium.app/Contents/MacOS/Chromium',
          '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
          '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
          join(s.home, 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
        ]
      : s.platform === 'win32'
        ? programFiles.flatMap((root) => [join(root, 'Google/Chrome/Application/chrome.exe'), join(root, 'Chromium/Application/chrome.exe'), join(root, 'Microsoft/Edge/Application/msedge.exe')])
        : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/usr/bin/microsoft-edge'];
  return [...explicit, ...system, ...playwrightCache(s)];
}

/** Browsers Playwright downloaded (PLAYWRIGHT_BROWSERS_PATH, else its per-OS cache), newest build first. */
function playwrightCache(s: BrowserSearch): string[] {
  const cache =
    s.env.PLAYWRIGHT_BROWSERS_PATH ||
    (s.platform === 'darwin' ? join(s.home, 'Library/Caches/ms-playwright') : s.platform === 'win32' ? join(s.env.LOCALAPPDATA ?? join(s.home, 'AppData/Local'), 'ms-playwright') : join(s.home, '.cache/ms-playwright'));
  const inside: Record<string, string[]> = {
    linux: ['chrome-linux/chrome', 'chrome-linux64/chrome', 'chrome-linux/headless_shell', 'chrome-headless-shell-linux64/chrome-headless-shell'],
    darwin: ['chrome-mac/Chromium.app/Contents/MacOS/Chromium', 'chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium', 'chrome-mac/headless_shell'],
    win32: ['chrome-win/chrome.exe', 'chrome-win64/chrome.exe', 'chrome-win/headless_shell.exe'],
  };
  const builds = s
    .list(cache)
    .filter((name) => /^chromium(_headless_shell)?-\d+$/.test(name))
    .sort((a, b) => Number(b.split('-').pop()) - Number(a.split('-').pop()));
  return builds.flatMap((build) => (inside[s.platform] ?? inside.linux).map((rel) => join(cache, build, rel)));
}

/** The first candidate that exists, or null. An explicit path that does not exist is an error, not a fallback. */
export function findBrowser(s: BrowserSearch): string | null {
  const explicit = s.env.COMPARO_BROWSER || s.env.CHROMIUM_PATH;
  if (explicit && !s.exists(explicit)) throw new Error(`COMPARO_BROWSER / CHROMIUM_PATH points at ${explicit}, which does not exist.`);
  return browserCandidates(s).find((p) => s.exists(p)) ?? null;
}

/** This machine's browser. */
export function findThisBrowser(): string | null {
  return findBrowser({
    env: process.env,
    platform: process.platform,
    home: homedir(),
    exists: existsSync,
    list: (folder) => {
      try {
        return readdirSync(folder);
      } catch {
        return [];
      }
    },
  });
}
