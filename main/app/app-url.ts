// What counts as "the app's own page": the one renderer entry file, or the dev server's origin.
// Pure (no `electron` import) so navigation and IPC-sender rules are unit-tested in plain Node.
import { pathToFileURL } from 'node:url';

/**
 * The URL the window loads: the electron-vite dev server (ELECTRON_RENDERER_URL, honoured only when
 * not packaged) or the built renderer's index.html.
 */
export function appEntryUrl(options: { devServerUrl: string | undefined; indexHtmlPath: string }): string {
  const dev = options.devServerUrl;
  if (dev) {
    const url = new URL(dev);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Unsupported dev server URL: ${dev}`);
    return url.href;
  }
  return pathToFileURL(options.indexHtmlPath).href;
}

/**
 * True when `candidate` is the app's own page. Parsed with `new URL()`, never compared as strings:
 * a file: URL must be exactly the entry file (any query/hash allowed, for client-side routes); an
 * http(s) entry (dev server) matches on origin (scheme, host and port).
 */
export function isAppUrl(candidate: string, entryUrl: string): boolean {
  let url: URL;
  let entry: URL;
  try {
    url = new URL(candidate);
    entry = new URL(entryUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (entry.protocol === 'file:') {
    return url.protocol === 'file:' && url.host === entry.host && url.pathname === entry.pathname;
  }
  if (entry.protocol === 'http:' || entry.protocol === 'https:') {
    return url.origin === entry.origin;
  }
  return false;
}

/** Links the app may hand to the OS browser: https only (no file:, javascript:, custom schemes). */
export function isExternalLinkAllowed(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' && !url.username && !url.password && url.hostname !== '';
  } catch {
    return false;
  }
}
