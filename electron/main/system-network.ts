// The OS's network settings for the engine: the proxy Chromium would use for a registry (system settings and PAC
// included), and the OS certificate store (where this Electron's Node can read it), besides Node's bundled roots.
import * as tls from 'node:tls';
import type { Session } from 'electron';
import type { SystemNetwork } from '../host/system-network.js';
import { proxyFromPacResult } from '../core/http/proxy-rules.js';

type CaReader = (store: 'system') => string[];

export function systemNetwork(session: Session): SystemNetwork {
  const read = (tls as unknown as { getCACertificates?: CaReader }).getCACertificates;
  let systemCa: readonly string[] = [];
  try {
    systemCa = read?.('system') ?? [];
  } catch {
    systemCa = [];
  }
  return {
    systemCa,
    resolveProxy: async (url) => proxyFromPacResult(await session.resolveProxy(url)),
  };
}
