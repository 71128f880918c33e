// The renderer's only way to reach the services. Two transports implement the same `Api`:
// - Electron: the preload script exposes `window.comparo`;
// - browser mode (`npm run web`): HTTP POST per call and Server-Sent Events, authorised by the
//   token that main/web prints in the page URL.
import { channels, UPLOAD_ROUTE, type Api, type Channel, type EventName, type EventPayload, type RequestOf, type ResponseOf } from '../shared/contract';
import type { ImportOptions } from '../shared/dataset-report';
import type { ErrorCode, Result } from '../shared/errors';
import type { DatasetSummary } from '../shared/schemas';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    comparo?: Api;
  }
}

const TOKEN_STORAGE_KEY = 'comparo.token';

let cachedApi: Api | undefined;
let browserToken: string | null | undefined;

export function getApi(): Api {
  if (!cachedApi) {
    if (window.comparo) cachedApi = window.comparo;
    else {
      browserToken = takeTokenFromUrl();
      cachedApi = createBrowserApi(browserToken);
    }
  }
  return cachedApi;
}

/**
 * Browser mode only: where the zip of a run's export folder downloads from (main/web/export-zip.ts);
 * undefined in the desktop app, which has the folder on disk.
 */
export function exportDownloadUrl(runId: string, format: string): string | undefined {
  getApi();
  return browserToken === undefined ? undefined : `/api/exports/${encodeURIComponent(`${runId}-${format}`)}.zip`;
}

/**
 * Browser mode only: imports a file by streaming its bytes to the server (shared/contract's
 * UPLOAD_ROUTE), so no file of any size becomes one string in this page or in the server.
 * Undefined in the desktop app, whose IPC carries the file's text ('datasets.importText').
 */
export function uploadDataset(file: File, options?: ImportOptions): Promise<Result<DatasetSummary>> | undefined {
  getApi();
  if (browserToken === undefined) return undefined;
  return uploadOverHttp(browserToken, file, options);
}

/**
 * The page's own requests carry no token: the server put it in an HttpOnly cookie when the
 * printed link was opened (main/web/server.ts). A token kept from an older page is sent as well.
 */
const authHeaders = (token: string | null): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

async function uploadOverHttp(token: string | null, file: File, options?: ImportOptions): Promise<Result<DatasetSummary>> {
  const query = new URLSearchParams({ name: file.name });
  if (options && Object.keys(options).length > 0) query.set('options', JSON.stringify(options));
  let response: Response;
  try {
    // A File body is sent from disk as the browser reads it, not copied into a string first.
    response = await fetch(`${UPLOAD_ROUTE}?${query}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...authHeaders(token) }, body: file });
  } catch (cause) {
    return failure('unavailable', `Cannot reach the Comparo server (${describe(cause)}). Is \`npm run web\` still running?`);
  }
  return readResult('datasets.importText', response);
}

/**
 * Reads `?token=` once, keeps it for this tab in sessionStorage (so a reload still works) and
 * removes it from the address bar so it does not linger in history, screenshots or bookmarks.
 */
function takeTokenFromUrl(): string | null {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      window.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token still works for this page's lifetime.
    }
    params.delete('token');
    const query = params.toString();
    const cleanUrl = window.location.pathname + (query ? `?${query}` : '') + window.location.hash;
    window.history.replaceState(window.history.state, '', cleanUrl);
    return fromUrl;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}


export function createBrowserApi(token: string | null): Api {
  return {
    invoke: (channel, request) => invokeOverHttp(token, channel, request),
    on: createSseSubscriber(token),
  };
}

async function invokeOverHttp<C extends Channel>(token: string | null, channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
  let response: Response;
  try {
    response = await fetch(`/api/invoke/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(token) },
      body: JSON.stringify(request),
    });
  } catch (cause) {
    return failure('unavailable', `Cannot reach the Comparo server (${describe(cause)}). Is \`npm run web\` still running?`);
  }
  return readResult(channel, response);
}

/**
 * Refusals come with a 4xx/5xx status and the same Result body as successes, so the body is read
 * whatever the status; only a body that is not a Result falls back to describing the status.
 */
async function readResult<C extends Channel>(channel: C, response: Response): Promise<Result<ResponseOf<C>>> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    if (!response.ok) return failure(codeForStatus(response.status), describeHttpFailure(channel, response, text));
    return failure('internal', `The server's answer to ${channel} is not JSON (${describe(cause)}).`);
  }
  const refusal = typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === false;
  if (!response.ok && !refusal) return failure(codeForStatus(response.status), describeHttpFailure(channel, response, text));
  if (refusal && (response.status === 401 || response.status === 403)) return failure('invalid_request', describeHttpFailure(channel, response, text));
  return checkResult(channel, body);
}

/** Validates the envelope and the value, so a contract mismatch shows as a message instead of a broken view. */
function checkResult<C extends Channel>(channel: C, body: unknown): Result<ResponseOf<C>> {
  if (typeof body !== 'object' || body === null || typeof (body as { ok?: unknown }).ok !== 'boolean') {
    return failure('internal', `The server's answer to ${channel} is not a Result ({ok, value|error}).`);
  }
  const envelope = body as { ok: boolean; value?: unknown; error?: { code?: unknown; message?: unknown; location?: unknown } };
  if (!envelope.ok) {
    const error = envelope.error;
    if (!error || typeof error.message !== 'string') return failure('internal', `${channel} failed without an error message.`);
    return { ok: false, error: error as Extract<Result<never>, { ok: false }>['error'] };
  }
  const parsed = channels[channel].response.safeParse(envelope.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return failure('internal', `The server's answer to ${channel} does not match the contract${where}: ${issue?.message ?? 'invalid'}.`);
  }
  return { ok: true, value: parsed.data as ResponseOf<C> };
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 401 || status === 403 || status === 413) return 'invalid_request';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'internal';
}

function describeHttpFailure(channel: Channel, response: Response, text: string): string {
  if (response.status === 401 || response.status === 403) {
    return `The server refused this page's access token (HTTP ${response.status}). Open the link that \`npm run web\` printed again.`;
  }
  const detail = text.trim().slice(0, 300);
  return `${channel} failed: HTTP ${response.status} ${response.statusText}${detail ? ` — ${detail}` : ''}`;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

type AnyListener = (payload: unknown) => void;

/**
 * One EventSource per page, opened on the first subscription and kept open: views subscribe and
 * unsubscribe often, and reconnecting each time would drop events in between. EventSource
 * reconnects by itself after network errors; views poll as well, so missed events only delay.
 */
function createSseSubscriber(token: string | null): Api['on'] {
  const listeners = new Map<EventName, Set<AnyListener>>();
  let source: EventSource | undefined;

  function ensureSource(): EventSource | undefined {
    if (typeof EventSource === 'undefined') return undefined;
    source ??= new EventSource(token ? `/api/events?token=${encodeURIComponent(token)}` : '/api/events');
    return source;
  }

  function listenToEventName(event: EventName): Set<AnyListener> {
    const existing = listeners.get(event);
    if (existing) return existing;
    const set = new Set<AnyListener>();
    listeners.set(event, set);
    ensureSource()?.addEventListener(event, (message) => {
      let payload: unknown;
      try {
        payload = JSON.parse((message as MessageEvent<string>).data);
      } catch {
        console.warn(`Ignoring a '${event}' event whose data is not JSON`);
        return;
      }
      for (const listener of [...set]) listener(payload);
    });
    return set;
  }

  return <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => {
    const set = listenToEventName(event);
    // A fresh wrapper per subscription, so subscribing the same function twice needs two unsubscribes.
    const wrapped: AnyListener = (payload) => listener(payload as EventPayload<E>);
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  };
}
