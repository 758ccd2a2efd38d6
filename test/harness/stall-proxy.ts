// A TCP proxy in front of a test registry that reads uploads slowly: it stops reading from the client for a moment
// after every so many bytes, so the client's socket buffers fill and its writes wait inside Node, as on a slow link.
import { startTcpProxyServer } from './tcp-proxy-pairs.js';

export interface StallProxy {
  readonly host: string;
  /** Times the proxy stopped reading so far. */
  readonly stalls: number;
  close(): Promise<void>;
}

/** Stops reading each client for `pauseMs` after every `every` bytes it sent (downloads pass through as they come). */
export async function startTcpStallProxy(targetPort: number, every: number, pauseMs: number): Promise<StallProxy> {
  const timers = new Set<NodeJS.Timeout>();
  let stalls = 0;
  const proxy = await startTcpProxyServer(targetPort, (client, upstream) => {
    let since = 0;
    let stalled = false;
    let full = false;
    const resume = (): void => {
      if (!stalled && !full && !client.destroyed) client.resume();
    };
    client.on('data', (chunk: Buffer) => {
      if (!upstream.write(chunk)) {
        full = true;
        client.pause();
      }
      since += chunk.length;
      if (since < every) return;
      since = 0;
      stalls++;
      stalled = true;
      client.pause();
      const timer = setTimeout(() => {
        timers.delete(timer);
        stalled = false;
        resume();
      }, pauseMs);
      timers.add(timer);
    });
    upstream.on('drain', () => {
      full = false;
      resume();
    });
    client.on('end', () => upstream.end());
    upstream.pipe(client);
  });
  return {
    host: proxy.host,
    get stalls() {
      return stalls;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await proxy.close();
    },
  };
}
