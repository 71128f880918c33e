// Renderer lockdown applied to every webContents: navigation only to the app's own page, no new
// windows (https links go to the OS browser), no <webview>, no permissions, CSP on the app's pages.
import { app, session, shell, type WebContents } from 'electron';
import { isAppUrl, isExternalLinkAllowed } from './app-url';

export function hardenWebContents(contents: WebContents, entryUrl: string): void {
  const guard = (event: { preventDefault(): void }, url: string, why: string): void => {
    if (isAppUrl(url, entryUrl)) return;
    event.preventDefault();
    console.warn(`comparo: blocked ${why} to ${url}`);
  };
  contents.on('will-navigate', (event) => guard(event, event.url, 'navigation'));
  contents.on('will-frame-navigate', (event) => guard(event, event.url, 'frame navigation'));
  contents.on('will-redirect', (event) => guard(event, event.url, 'redirect'));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) {
      shell.openExternal(url).catch((error: unknown) => console.warn(`comparo: could not open ${url}: ${String(error)}`));
    }
    return { action: 'deny' };
  });
}

/** Call once, after `app` is ready (the default session exists only then) and before any window. */
export function installSecurity(entryUrl: string, contentSecurityPolicy: string): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, entryUrl));

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // The built renderer also carries this policy in a <meta> tag (electron.vite.config.ts), since
  // file: responses have no headers to rewrite; the header covers the dev server's pages.
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, entryUrl)) {
      callback({});
      return;
    }
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [contentSecurityPolicy];
    callback({ responseHeaders: headers });
  });
}
