// What the desktop app knows about the OS's network and the CLI does not: the proxy for a URL and the OS trust store.
import type { ProxyChoice } from '../core/http/proxy-rules.js';

export interface SystemNetwork {
  /** PEM certificates from the OS store, trusted besides Node's bundled roots. */
  readonly systemCa: readonly string[];
  resolveProxy(url: string): Promise<ProxyChoice>;
}
