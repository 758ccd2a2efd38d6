// The preload: one typed method per contract operation and a typed `on` for events, nothing generic, plus the two
// desktop-only helpers (the native file dialog, and the path of a dropped file).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildApi } from '../../shared/contract-client.js';
import type { EventChannel, RequestChannel, Result } from '../../shared/contract.js';
import type { DesktopBridge } from '../../shared/desktop.js';

const api = buildApi({
  invoke: (channel: RequestChannel, args: unknown, requestId?: string) => (requestId === undefined ? ipcRenderer.invoke(channel, args) : ipcRenderer.invoke(channel, args, requestId)) as Promise<Result<unknown>>,
  subscribe: (event: EventChannel, handler: (payload: unknown) => void) => {
    const listener = (_event: unknown, payload: unknown): void => handler(payload);
    ipcRenderer.on(event, listener);
    return () => void ipcRenderer.removeListener(event, listener);
  },
});

contextBridge.exposeInMainWorld('stevedore', api);
const desktop: DesktopBridge = {
  chooseArchives: (): Promise<string[]> => ipcRenderer.invoke('desktop:chooseArchives') as Promise<string[]>,
  chooseExportFile: async (suggestedName: string): Promise<string | undefined> => {
    const chosen: unknown = await ipcRenderer.invoke('desktop:chooseExportFile', suggestedName);
    return typeof chosen === 'string' ? chosen : undefined;
  },
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
  onOpenArchives: (handler: () => void): (() => void) => {
    const listener = (): void => handler();
    ipcRenderer.on('desktop:openArchives', listener);
    return () => void ipcRenderer.removeListener('desktop:openArchives', listener);
  },
  onOpenFiles: (handler: (paths: readonly string[]) => void): (() => void) => {
    const listener = (_event: unknown, paths: unknown): void => {
      if (Array.isArray(paths) && paths.every((p) => typeof p === 'string')) handler(paths);
    };
    ipcRenderer.on('desktop:openFiles', listener);
    return () => void ipcRenderer.removeListener('desktop:openFiles', listener);
  },
};
contextBridge.exposeInMainWorld('stevedoreDesktop', desktop);
