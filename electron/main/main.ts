// The Electron main process: one secure window served from app://stevedore, the contract bound to ipcMain, transfers
// that survive reloads, tarballs handed over by the OS (argv, open-file, a second launch), and a quit that asks
// before cancelling running pushes.
import '../core/workers/thread-pool-size.js';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, protocol, screen, session } from 'electron';
import { LOG_ROTATE_BYTES, fileDestination } from '../core/log-destination.js';
import { logStart } from '../core/log.js';
import { configureLog } from '../core/log-writer.js';
import { ContractHost } from '../host/contract-host.js';
import { bindContract } from '../host/ipc-binding.js';
import { ProfileStore } from '../host/profile-store.js';
import { APP_ENTRY, APP_SCHEME, isFromAppWindow, serveAppRequest } from './app-protocol.js';
import { LaunchQueue, archivesFromArgv, filesFromAdditionalData } from './launch-files.js';
import { installMenu } from './menu.js';
import { safeStorageSecrets } from './safe-storage-secrets.js';
import { SaveChoices } from './save-choices.js';
import { systemNetwork } from './system-network.js';
import { fitToDisplays, loadBounds, saveBounds } from './window-state.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const RENDERER_DIR = join(here, '../../renderer');
const PRELOAD = join(here, '../preload/preload.cjs');

// Before `ready`: the scheme must be privileged to behave like https (origin, fetch, storage).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const launch = new LaunchQueue();
const startupFiles = archivesFromArgv(process.argv, { cwd: process.cwd(), packaged: app.isPackaged });
let window: BrowserWindow | undefined;

function focusWindow(): void {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.focus();
}

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
  win.on('closed', () => {
    window = undefined;
    launch.attach(undefined);
  });
  // Files wait until the renderer has loaded (again, after a reload) and subscribed.
  win.webContents.on('did-start-loading', () => launch.attach(undefined));
  win.webContents.on('did-finish-load', () => launch.attach((paths) => win.webContents.send('desktop:openFiles', paths)));
  // No new windows, no navigation away from the app.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) event.preventDefault();
  });
  await win.loadURL(APP_ENTRY);
}

async function main(): Promise<void> {
  await app.whenReady();
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = await serveAppRequest(RENDERER_DIR, request.url, request.method);
    return new Response(typeof answer.body === 'string' ? answer.body : new Uint8Array(answer.body), { status: answer.status, headers: answer.headers });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  const userData = app.getPath('userData');
  // The structured log, for support: STEVEDORE_LOG, or stevedore.log in the OS's log folder for the app.
  try {
    configureLog(fileDestination(process.env.STEVEDORE_LOG ?? join(app.getPath('logs'), 'stevedore.log'), { rotateAtBytes: LOG_ROTATE_BYTES, background: true }));
    logStart('desktop', app.getVersion());
  } catch (error) {
    // The app works without its log; say why there is none.
    console.error(`stevedore: no log: ${error instanceof Error ? error.message : String(error)}`);
  }
  const saveChoices = new SaveChoices();
  const host = new ContractHost({
    profiles: new ProfileStore(join(userData, 'registries.json')),
    replaceConfirmed: (file) => saveChoices.take(file),
    secrets: safeStorageSecrets(join(userData, 'secrets.json')),
    cacheDir: join(app.getPath('sessionData'), 'cache'),
    network: systemNetwork(session.defaultSession),
    emit: (event, payload) => {
      for (const win of BrowserWindow.getAllWindows()) win.webContents.send(event, payload);
    },
  });
  bindContract(ipcMain, host, (event) => isFromAppWindow(event, window?.webContents.id));
  ipcMain.handle('desktop:chooseArchives', async (event) => {
    if (!window || !isFromAppWindow(event, window.webContents.id)) return [];
    const result = await dialog.showOpenDialog(window, { title: 'Push image tarballs', properties: ['openFile', 'multiSelections'], filters: [{ name: 'Image tarballs', extensions: ['tar', 'gz', 'tgz'] }, { name: 'All files', extensions: ['*'] }] });
    return result.canceled ? [] : result.filePaths;
  });
  ipcMain.handle('desktop:chooseExportFile', async (event, suggestedName: unknown) => {
    if (!window || !isFromAppWindow(event, window.webContents.id)) return undefined;
    const name = typeof suggestedName === 'string' ? basename(suggestedName).slice(0, 255) : 'image.tar';
    const result = await dialog.showSaveDialog(window, { title: 'Export image', defaultPath: join(app.getPath('downloads'), name), filters: [{ name: 'Image tarballs', extensions: ['tar'] }], properties: ['showOverwriteConfirmation', 'createDirectory'] });
    if (result.canceled || !result.filePath) return undefined;
    saveChoices.remember(result.filePath);
    return result.filePath;
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

// One app, one window: a second launch hands its tarballs to this one and quits.
if (!app.requestSingleInstanceLock({ files: startupFiles })) {
  app.quit();
} else {
  launch.add(startupFiles);
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    launch.add(filesFromAdditionalData(additionalData) ?? archivesFromArgv(argv, { cwd: workingDirectory, packaged: app.isPackaged }));
    focusWindow();
  });
  // macOS: Finder's "Open With" and drops on the dock icon, possibly before `ready` and with no window open.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    launch.add([path]);
    if (app.isReady() && !window) void createWindow();
    focusWindow();
  });
  void main();
}
