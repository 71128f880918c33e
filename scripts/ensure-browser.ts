// Runs before the tests (package.json "test"): the end-to-end tests need a Chromium-family
// browser (test/helpers/find-browser.ts). Where none is found, one is obtained the ecosystem's
// way — Playwright's own download (`playwright-core install chromium`), then, as root on
// Debian/Ubuntu, the distribution's package — and where neither works the test command stops
// with the one line that says what to run, instead of failing every browser test one by one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { findThisBrowser, NO_BROWSER_HELP } from '../test/helpers/find-browser';

export interface BrowserSetup {
  label: string;
  command: string[];
}

/** What to try, in order, to obtain a browser on this machine. */
export function browserSetups(machine: { platform: NodeJS.Platform; isRoot: boolean; hasAptGet: boolean }): BrowserSetup[] {
  const setups: BrowserSetup[] = [{ label: "Playwright's Chromium download", command: [process.execPath, 'node_modules/playwright-core/cli.js', 'install', 'chromium'] }];
  if (machine.platform === 'linux' && machine.isRoot && machine.hasAptGet) {
    setups.push({ label: "Debian/Ubuntu's chromium package", command: ['sh', '-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium'] });
  }
  return setups;
}

function main(): void {
  if (findThisBrowser()) return;
  const machine = { platform: process.platform, isRoot: process.getuid?.() === 0, hasAptGet: existsSync('/usr/bin/apt-get') };
  for (const setup of browserSetups(machine)) {
    console.error(`comparo: no browser for the end-to-end tests; trying ${setup.label}…`);
    const result = spawnSync(setup.command[0], setup.command.slice(1), { stdio: 'inherit', timeout: 600_000 });
    if (result.status === 0 && findThisBrowser()) return;
  }
  console.error(NO_BROWSER_HELP);
  process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
