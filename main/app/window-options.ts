// Security-relevant window settings as plain constants, so a unit test can import and check them in
// plain Node (this file imports `electron` for types only; a runtime import throws without the binary).
import type { WebPreferences } from 'electron';

/** Every BrowserWindow gets these; `preload` is added by window.ts. Never weaken them per window. */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  // The spellchecker downloads dictionaries from a Google CDN; the app has no free-text prose to check.
  spellcheck: false,
} as const satisfies WebPreferences;

const BASE_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

function serialize(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The packaged app's policy: only the app's own files, nothing inline, no eval, no network. */
export const CONTENT_SECURITY_POLICY = serialize(BASE_DIRECTIVES);

/**
 * `electron-vite dev` only: Vite injects inline <style> tags and @vitejs/plugin-react an inline
 * refresh preamble, and HMR talks over a WebSocket to the dev server. Still no 'unsafe-eval'.
 */
export const DEV_CONTENT_SECURITY_POLICY = serialize({
  ...BASE_DIRECTIVES,
  'script-src': ["'self'", "'unsafe-inline'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'connect-src': ["'self'", 'ws://localhost:*', 'ws://127.0.0.1:*'],
});

/** IPC channel names shared by main/app/ipc-bridge.ts and main/preload/index.ts. */
export const IPC_INVOKE = 'comparo:invoke';
export const IPC_EVENT = 'comparo:event';
