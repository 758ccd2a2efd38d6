// What the test's TCP proxies share: each client connection gets its own connection to the registry, the two close
// together, and closing the proxy closes every pair still open.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpProxyServer {
  /** 127.0.0.1:PORT */
  readonly host: string;
  /** Destroys every connection still open and stops listening. */
  close(): Promise<void>;
}

/** Listens on a free loopback port; `onPair` wires each client to its own new connection to `targetPort`. */
export async function startTcpProxyServer(targetPort: number, onPair: (client: Socket, upstream: Socket) => void): Promise<TcpProxyServer> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    onPair(client, upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
