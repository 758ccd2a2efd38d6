// The contract client: the preload's in Electron, a WebSocket to the local web host in a browser. Components never
// talk to anything else.
import { buildApi, type ContractApi, type Result } from '../../../shared/contract.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import { webSocketTransport } from '../../../shared/web-transport.js';

export interface DesktopBridge {
  chooseArchives(): Promise<string[]>;
  pathForFile(file: File): string;
  onOpenArchives(handler: () => void): () => void;
}

declare global {
  interface Window {
    stevedore?: ContractApi;
    stevedoreDesktop?: DesktopBridge;
  }
}

function connect(): ContractApi {
  if (typeof window !== 'undefined' && window.stevedore) return window.stevedore;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return buildApi(webSocketTransport({ url: `${scheme}://${location.host}/ws` }));
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

/** The old name, kept for tests written before the hooks lint rule (it is not a hook). */
export const useApi = setApi;

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

/** Sends a browser-dropped file to the web host, which answers with a path the contract can use. */
export async function uploadFile(file: File): Promise<string> {
  const bridge = desktop();
  if (bridge) return bridge.pathForFile(file);
  const response = await fetch(`/upload?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: file, credentials: 'same-origin' });
  const body = (await response.json()) as { path?: string; error?: string };
  if (!response.ok || !body.path) throw new ContractError({ code: 'INTERNAL', message: body.error ?? `upload failed (HTTP ${response.status})` });
  return body.path;
}
