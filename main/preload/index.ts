// The preload exposes exactly the contract (shared/contract's `Api`) as window.comparo, and nothing
// else: no ipcRenderer, no Node, no logic beyond refusing channel names the contract lacks.
// Built as CommonJS (electron.vite.config.ts): sandboxed preloads cannot be ES modules.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannel, type Api, type Channel, type EventName, type EventPayload, type RequestOf, type ResponseOf } from '../../shared/contract';
import { err, type Result } from '../../shared/errors';
import { IPC_EVENT, IPC_INVOKE } from '../app/window-options';

const api = {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
    if (!isChannel(channel)) return Promise.resolve(err('invalid_request', `Unknown channel: ${String(channel)}`));
    return ipcRenderer.invoke(IPC_INVOKE, channel, request);
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const forward = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload as EventPayload<E>);
    };
    ipcRenderer.on(IPC_EVENT, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, forward);
    };
  },
} satisfies Api;

contextBridge.exposeInMainWorld('comparo', api);
