// Where the test command looks for a browser when none is installed (scripts/ensure-browser.ts):
// Playwright's download first everywhere, the distribution's package only as root on Linux with apt.
import { describe, expect, it } from 'vitest';
import { browserSetups } from '../../scripts/ensure-browser';

describe('obtaining a browser for the end-to-end tests', () => {
  it("tries Playwright's download, then Debian's package only as root with apt-get", () => {
    const labels = (platform: NodeJS.Platform, isRoot: boolean, hasAptGet: boolean) => browserSetups({ platform, isRoot, hasAptGet }).map((s) => s.label);
    expect(labels('linux', true, true)).toEqual(["Playwright's Chromium download", "Debian/Ubuntu's chromium package"]);
    expect(labels('linux', false, true)).toEqual(["Playwright's Chromium download"]);
    expect(labels('linux', true, false)).toEqual(["Playwright's Chromium download"]);
    expect(labels('darwin', true, true)).toEqual(["Playwright's Chromium download"]);
    expect(browserSetups({ platform: 'win32', isRoot: false, hasAptGet: false })[0].command.slice(1)).toEqual(['node_modules/playwright-core/cli.js', 'install', 'chromium']);
  });
});
