// The Electron main process: one secure window, the contract bound to ipcMain, transfers that survive reloads, and
// a quit that asks before cancelling running pushes.
import '../core/workers/thread-pool-size.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, screen, session } from 'electron';
import { LOG_ROTATE_BYTES, fileDestination } from '../core/log-destination.js';
import { configureLog, logStart } from '../core/log.js';
import { ContractHost } from '../host/contract-host.js';
import { bindContract } from '../host/ipc-binding.js';
import { ProfileStore } from '../host/profile-store.js';
import { fitToDisplays, loadBounds, saveBounds } from '../host/window-state.js';
import { installMenu } from './menu.js';
import { safeStorageSecrets } from './safe-storage-secrets.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const RENDERER = join(here, '../../renderer/index.html');
const PRELOAD = join(here, '../preload/preload.cjs');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

let window: BrowserWindow | undefined;

async function createWindow(): Promise<void> {
  const statePath = join(app.getPath('userData'), 'window-state.json');
  const bounds = fitToDisplays(loadBounds(statePath), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 640,
    minHeight: 480,
    title: 'Stevedore',
    show: false,
    webPreferences: { preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  window = win;
  if (bounds.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => saveBounds(statePath, { ...win.getNormalBounds(), maximized: win.isMaximized() }));
  win.on('closed', () => (window = undefined));
  // No new windows, no navigation away from the app.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) event.preventDefault();
  });
  await win.loadFile(RENDERER);
}

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }));
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const userData = app.getPath('userData');
  // The structured log, for support: STEVEDORE_LOG, or stevedore.log in the OS's log folder for the app.
  try {
    configureLog(fileDestination(process.env.STEVEDORE_LOG ?? join(app.getPath('logs'), 'stevedore.log'), { rotateAtBytes: LOG_ROTATE_BYTES, background: true }));
    logStart('desktop', app.getVersion());
  } catch (error) {
    // The app works without its log; say why there is none.
    console.error(`stevedore: no log: ${error instanceof Error ? error.message : String(error)}`);
  }
  const host = new ContractHost({
    profiles: new ProfileStore(join(userData, 'registries.json')),
    secrets: safeStorageSecrets(join(userData, 'secrets.json')),
    cacheDir: join(app.getPath('sessionData'), 'cache'),
    emit: (event, payload) => {
      for (const win of BrowserWindow.getAllWindows()) win.webContents.send(event, payload);
    },
  });
  bindContract(ipcMain, host, (event) => window !== undefined && event.sender.id === window.webContents.id && (event.senderFrame?.url ?? '').startsWith('file://'));
  ipcMain.handle('desktop:chooseArchives', async (event) => {
    if (!window || event.sender.id !== window.webContents.id) return [];
    const result = await dialog.showOpenDialog(window, { title: 'Push image tarballs', properties: ['openFile', 'multiSelections'], filters: [{ name: 'Image tarballs', extensions: ['tar', 'gz', 'tgz'] }, { name: 'All files', extensions: ['*'] }] });
    return result.canceled ? [] : result.filePaths;
  });
  installMenu(() => window?.webContents.send('desktop:openArchives'));
  await createWindow();

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || host.activePushes === 0) return;
    const choice = dialog.showMessageBoxSync({ type: 'question', buttons: ['Keep pushing', 'Cancel pushes and quit'], defaultId: 0, cancelId: 0, message: `${host.activePushes} push${host.activePushes === 1 ? ' is' : 'es are'} still running.`, detail: 'Quitting cancels them; no half-pushed tag is left behind.' });
    if (choice === 0) {
      event.preventDefault();
      return;
    }
    quitting = true;
    host.cancelPushes();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!window) void createWindow();
  });
  app.on('will-quit', () => void host.close());
}

void main();
