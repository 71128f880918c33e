// The only IPC: one invoke channel relayed to services.dispatch (which validates against
// shared/contract and never throws), and contract events pushed to the window. No logic here.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { err } from '../../shared/errors';
import type { Services } from '../services/index';
import { isAppUrl } from './app-url';
import { IPC_EVENT, IPC_INVOKE } from './window-options';

/** Only the top-level frame of the app's own page may call services. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, entryUrl: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url, entryUrl);
}

/** Returns a disposer that removes the handler and the event subscription. */
export function bridgeIpc(
  services: Pick<Services, 'dispatch' | 'onEvent'>,
  getWindow: () => BrowserWindow | null,
  entryUrl: string,
): () => void {
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, request: unknown) => {
    if (!isTrustedSender(event, entryUrl)) {
      console.warn(`comparo: refused IPC from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return err('invalid_request', 'IPC refused: the sender is not the app page');
    }
    if (typeof channel !== 'string') return err('invalid_request', 'The channel must be a string');
    return services.dispatch(channel, request);
  });
  const unsubscribe = services.onEvent((name, payload) => {
    const win = getWindow();
    if (win && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT, name, payload);
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    unsubscribe();
  };
}
