// The e2e tests find a browser on any desktop OS (test/helpers/find-browser.ts): each platform's
// list checked here against a made-up file system, and this machine's answer checked for real.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserCandidates, findBrowser, findThisBrowser, type BrowserSearch } from '../helpers/find-browser';

const search = (platform: NodeJS.Platform, files: string[], env: NodeJS.ProcessEnv = {}, folders: Record<string, string[]> = {}): BrowserSearch => ({
  env,
  platform,
  home: platform === 'win32' ? 'C:/Users/ada' : platform === 'darwin' ? '/Users/ada' : '/home/ada',
  exists: (p) => files.includes(p),
  list: (folder) => folders[folder] ?? [],
});

describe('finding a browser for the end-to-end tests', () => {
  it('takes an explicit path first, and refuses one that does not exist rather than silently using another', () => {
    expect(findBrowser(search('linux', ['/opt/chrome', '/usr/bin/chromium'], { COMPARO_BROWSER: '/opt/chrome' }))).toBe('/opt/chrome');
    expect(() => findBrowser(search('linux', ['/usr/bin/chromium'], { CHROMIUM_PATH: '/nope' }))).toThrow(/\/nope, which does not exist/);
  });

  it('finds Debian Chromium, then Chrome, then Playwright’s newest cached build on Linux', () => {
    expect(findBrowser(search('linux', ['/usr/bin/google-chrome', '/usr/bin/chromium']))).toBe('/usr/bin/chromium');
    expect(findBrowser(search('linux', ['/usr/bin/google-chrome']))).toBe('/usr/bin/google-chrome');
    const cache = { '/home/ada/.cache/ms-playwright': ['chromium-1140', 'chromium-1169', 'ffmpeg-1010'] };
    const newest = '/home/ada/.cache/ms-playwright/chromium-1169/chrome-linux/chrome';
    expect(findBrowser(search('linux', ['/home/ada/.cache/ms-playwright/chromium-1140/chrome-linux/chrome', newest], {}, cache))).toBe(newest);
    expect(findBrowser(search('linux', []))).toBeNull();
  });

  it('knows the macOS and Windows places, Edge included, and PLAYWRIGHT_BROWSERS_PATH', () => {
    expect(findBrowser(search('darwin', ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome']))).toBe('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    const edge = 'C:/Program Files (x86)/Microsoft/Edge/Application/msedge.exe';
    expect(findBrowser(search('win32', [edge], { PROGRAMFILES: 'C:/Program Files', 'PROGRAMFILES(X86)': 'C:/Program Files (x86)' }))).toBe(edge);
    const env = { PLAYWRIGHT_BROWSERS_PATH: '/srv/pw' };
    expect(browserCandidates(search('linux', [], env, { '/srv/pw': ['chromium-1169'] }))).toContain('/srv/pw/chromium-1169/chrome-linux/chrome');
  });

  it('finds one on this machine (CI installs Debian Chromium), and it exists', () => {
    const found = findThisBrowser();
    expect(found, 'no browser here: the e2e tests would fail with the install line').not.toBeNull();
    expect(existsSync(found!)).toBe(true);
  });
});
