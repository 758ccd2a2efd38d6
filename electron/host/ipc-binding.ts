// Binds the contract to Electron's ipcMain: one handler per request channel, accepting only our own window.
// Kept free of the electron import so it can be tested with a small fake of ipcMain.
import { REQUEST_CHANNELS, type Result } from '../../shared/contract.js';

export interface IpcInvokeEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, args: unknown, requestId?: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface ContractHandler {
  handle(channel: string, args: unknown, signal?: AbortSignal, meta?: { readonly scope?: string; readonly requestId?: string }): Promise<Result<unknown>>;
}

/** Returns a function that unbinds every channel. */
export function bindContract(ipcMain: IpcMainLike, host: ContractHandler, isTrusted: (event: IpcInvokeEventLike) => boolean): () => void {
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event, args, requestId): Promise<Result<unknown>> => {
      if (!isTrusted(event)) return { ok: false, error: { code: 'DENIED', message: `${channel} refused: the request did not come from Stevedore's own window` } };
      // Each window cancels only its own requests.
      return host.handle(channel, args, undefined, { scope: `window-${event.sender.id}`, ...(typeof requestId === 'string' ? { requestId } : {}) });
    });
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}
