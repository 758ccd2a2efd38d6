// The contract client: the preload's in Electron, a WebSocket to the local web host in a browser. Components never
// talk to anything else.
import { buildApi } from '../../../shared/contract-client.js';
import type { ContractApi, ContractTransport, Result } from '../../../shared/contract.js';
import type { DesktopBridge } from '../../../shared/desktop.js';
import { ERROR_CODES, type ErrorCode, type ErrorInfo } from '../../../shared/errors.js';
import { formatBytes } from '../../../shared/format.js';
import { webSocketTransport } from '../../../shared/web-transport.js';
import { TOKEN_HEADER, socketProtocols } from '../../../shared/wire.js';
import { sessionToken } from './session-token.js';

export type { DesktopBridge };

declare global {
  interface Window {
    stevedore?: ContractApi;
    stevedoreDesktop?: DesktopBridge;
  }
}

const NO_TOKEN: ErrorInfo = {
  code: 'AUTH_REQUIRED',
  message: 'This page has no session token: open the address that `stevedore serve` printed (it ends in ?token=…).',
};

/** Without a token the host would refuse the socket: say why at once instead of retrying forever. */
const refusing: ContractTransport = { invoke: async () => ({ ok: false, error: NO_TOKEN }), subscribe: () => () => undefined };

function connect(): ContractApi {
  if (typeof window !== 'undefined' && window.stevedore) return window.stevedore;
  const token = sessionToken();
  if (!token) return buildApi(refusing);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return buildApi(webSocketTransport({ url: `${scheme}://${location.host}/ws`, protocols: socketProtocols(token) }));
}

let client: ContractApi | undefined;

export function api(): ContractApi {
  client ??= connect();
  return client;
}

/** For tests: a fake contract. */
export function setApi(fake: ContractApi): void {
  client = fake;
}

export const desktop = (): DesktopBridge | undefined => (typeof window !== 'undefined' ? window.stevedoreDesktop : undefined);

export class ContractError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

/** Unwraps a Result, throwing its error with the engine's code kept. */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new ContractError(result.error);
  return result.value;
}

export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof ContractError) return error.info;
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function tokenHeaders(): Record<string, string> {
  const token = sessionToken();
  return token ? { [TOKEN_HEADER]: token } : {};
}

const errorCode = (code: unknown): ErrorCode => (ERROR_CODES as readonly unknown[]).includes(code) ? (code as ErrorCode) : 'INTERNAL';

/** Bytes of an upload sent so far, of its total. */
export type UploadProgress = (sent: number, total: number) => void;

/**
 * POSTs the file with XMLHttpRequest, whose upload events (fetch has none) tell how much of a tarball of gigabytes
 * the host has: the drawer shows it rather than `Loading the file…` for minutes. `signal` stops the upload while
 * bytes are still to send; once the last has gone the host stores the whole file, so the answer is waited for: it
 * names the file, which the caller can then let go (an abort then would leave the file on the host, unnamed).
 */
function post(url: string, file: File, headers: Record<string, string>, onProgress?: UploadProgress, signal?: AbortSignal): Promise<{ readonly status: number; readonly text: string }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('the upload was stopped'));
    const request = new XMLHttpRequest();
    const stop = (): void => request.abort();
    const settle = (): void => signal?.removeEventListener('abort', stop);
    signal?.addEventListener('abort', stop, { once: true });
    request.open('POST', url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    if (onProgress) request.upload.onprogress = (event) => onProgress(event.loaded, file.size);
    request.upload.onload = settle;
    request.onload = () => {
      settle();
      resolve({ status: request.status, text: request.responseText });
    };
    request.onerror = () => {
      settle();
      reject(new Error('the connection to the host was lost'));
    };
    request.onabort = () => reject(new Error('the upload was stopped'));
    request.send(file);
  });
}

/** Sends a browser-dropped file to the web host, which answers with a path the contract can use. */

/** `signal`: stops the upload (the drop was dismissed): the host drops what it received. */
export async function uploadFile(file: File, onProgress?: UploadProgress, signal?: AbortSignal): Promise<string> {
  const bridge = desktop();
  if (bridge) return bridge.pathForFile(file);
  if (!sessionToken()) throw new ContractError(NO_TOKEN);
  const headers = tokenHeaders();
  // Refuse a file over the host's limit here rather than streaming gigabytes to be told so.
  const limit = (await fetch('/upload', { headers }).then((r) => (r.ok ? r.json() : undefined)).catch(() => undefined)) as { maxBytes?: number } | undefined;
  if (typeof limit?.maxBytes === 'number' && file.size > limit.maxBytes) {
    throw new ContractError({ code: 'TOO_LARGE', message: `${file.name} is ${formatBytes(file.size)}, over this web host's upload limit of ${formatBytes(limit.maxBytes)}, set when the host was started` });
  }
  let response: { readonly status: number; readonly text: string };
  try {
    response = await post(`/upload?name=${encodeURIComponent(file.name)}`, file, headers, onProgress, signal);
  } catch (error) {
    throw new ContractError({ code: 'NETWORK', message: `uploading ${file.name} failed: ${error instanceof Error ? error.message : String(error)}` });
  }
  let body: { path?: string; code?: string; message?: string } = {};
  try {
    body = JSON.parse(response.text) as typeof body;
  } catch {
    // not JSON: the status says what happened
  }
  if (response.status < 200 || response.status > 299 || !body.path) throw new ContractError({ code: errorCode(body.code), message: body.message ?? `upload failed (HTTP ${response.status})` });
  return body.path;
}

/** The page is done with an uploaded file: the web host deletes it (at once, or when the pushes reading it end). */
export function releaseUpload(path: string): void {
  if (desktop() || !sessionToken()) return;
  void fetch(`/upload?path=${encodeURIComponent(path)}`, { method: 'DELETE', headers: tokenHeaders() }).catch(() => undefined);
}

/**
 * Starts a browser download from the web host. A download is a navigation, which cannot carry the token in a header,
 * and a token in a URL would stay in the browser's history and downloads list: so the page trades the download's
 * address for a one-time ticket (a POST with the token), and navigates to that.
 */
export async function startDownload(path: string): Promise<{ readonly jobId?: string }> {
  if (!sessionToken()) throw new ContractError(NO_TOKEN);
  const response = await fetch(path, { method: 'POST', headers: tokenHeaders() });
  const body = (await response.json().catch(() => ({}))) as { url?: string; jobId?: string };
  if (!response.ok || !body.url) throw new ContractError({ code: 'DENIED', message: `the download was refused (HTTP ${response.status})` });
  const link = document.createElement('a');
  link.href = body.url;
  link.download = '';
  link.click();
  // The host runs the download as this job: its progress and outcome reach the transfers panel as events.
  return typeof body.jobId === 'string' ? { jobId: body.jobId } : {};
}
