// Copies with the engine between test registries, collecting its events; and a proxy that counts what reaches a
// registry, to prove what a copy did not send.
import type { IncomingMessage } from 'node:http';
import type { PushEvent } from '../../shared/push.js';
import { DEFAULT_COPY_SETTINGS, copyImage, type CopyResult, type CopySettings } from '../../electron/core/copy/copy-image.js';
import type { PlatformChoice } from '../../electron/core/copy/platform.js';
import { parseReference } from '../../electron/core/reference.js';
import type { RegistryClient } from '../../electron/core/registry/client.js';
import { FAST_RETRY, clientFor } from './clients.js';
import { startHttpFaultProxy, type HttpFaultProxy } from './fault-proxy.js';
import type { TestRegistry } from './registry.js';

export interface CopyRun extends CopyResult {
  readonly events: readonly PushEvent[];
}

/** `via`: a proxy host standing for that registry (fault and counting tests). */
export interface Side {
  readonly reg: TestRegistry;
  readonly via?: string;
}

function sideClient(side: Side): RegistryClient {
  const reg = side.via ? { ...side.reg, host: side.via, url: `http://${side.via}` } : side.reg;
  return clientFor(reg);
}

export async function copyWithEngine(
  from: Side,
  source: string,
  to: Side,
  target: string,
  options: { platform?: PlatformChoice; referrers?: boolean; settings?: Partial<CopySettings>; signal?: AbortSignal; onEvent?: (e: PushEvent) => void; sameClient?: boolean } = {},
): Promise<CopyRun> {
  const sourceClient = sideClient(from);
  const targetClient = options.sameClient ? sourceClient : sideClient(to);
  const events: PushEvent[] = [];
  try {
    const result = await copyImage(
      {
        jobId: 'copy-test',
        source: parseReference(`${from.via ?? from.reg.host}/${source}`),
        target: parseReference(`${to.via ?? to.reg.host}/${target}`),
        ...(options.platform ? { platform: options.platform } : {}),
        ...(options.referrers ? { referrers: true } : {}),
        emit: (e) => {
          events.push(e);
          options.onEvent?.(e);
        },
        ...(options.signal ? { signal: options.signal } : {}),
      },
      { source: sourceClient, target: targetClient },
      { ...DEFAULT_COPY_SETTINGS, retry: FAST_RETRY, ...options.settings },
    );
    return { ...result, events };
  } finally {
    await sourceClient.close();
    if (targetClient !== sourceClient) await targetClient.close();
  }
}

export interface CountingProxy {
  readonly host: string;
  /** `METHOD path?query` of every request that reached the registry. */
  readonly requests: readonly string[];
  /** Requests that start, send or finish a blob upload (a mount is a POST with `mount=`, not counted). */
  uploads(): readonly string[];
  close(): Promise<void>;
}

export async function startCountingProxy(reg: TestRegistry): Promise<CountingProxy> {
  const requests: string[] = [];
  const proxy: HttpFaultProxy = await startHttpFaultProxy(Number(reg.host.split(':')[1]), (req: IncomingMessage) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    return undefined;
  });
  return {
    host: proxy.host,
    requests,
    uploads: () => requests.filter((r) => r.includes('/blobs/uploads/') && !r.includes('mount=')),
    close: () => proxy.close(),
  };
}
