// Talking to the local web host from tests: plain HTTP requests (raw bytes too), a contract client over the socket,
// and an archive that takes long to read (for tests that cut the reading short).
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { buildApi, type ContractApi } from '../../shared/contract.js';
import { webSocketTransport, type SocketLike } from '../../shared/web-transport.js';
import { socketProtocols } from '../../shared/wire.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export function httpCall(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...options.headers }, timeout: 30_000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends bytes as they are and returns whatever comes back before the host closes the connection. */
export async function rawExchange(port: number, bytes: Buffer | string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.setTimeout(10_000, () => socket.destroy());
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.end(bytes);
  await once(socket, 'close');
  return text;
}

/** A contract client the way the page connects: the token as a subprotocol. */
export function contractClient(port: number, token: string): { api: ContractApi; close(): void } {
  const transport = webSocketTransport({
    url: `ws://127.0.0.1:${port}/ws`,
    protocols: socketProtocols(token),
    createSocket: (url, protocols) => new WebSocket(url, [...protocols], { origin: `http://127.0.0.1:${port}` }) as unknown as SocketLike,
  });
  return { api: buildApi(transport), close: transport.close };
}

function tarHeader(name: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write('        ', 148);
  block.write('0', 156);
  block.write('ustar\x0000', 257, 'latin1');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

/**
 * A gzip-wrapped tar holding one entry of `gib` GiB of zeros: a few MB on disk (concatenated gzip members of 64 MiB
 * each), but reading it means inflating and hashing every byte, seconds of work for the archive reader.
 */
export async function writeSlowArchive(path: string, gib: number): Promise<void> {
  const piece = 64 * 1024 * 1024;
  const zeros = gzipSync(Buffer.alloc(piece), { level: 9 });
  const out = createWriteStream(path);
  out.write(gzipSync(tarHeader('slow.bin', gib * 1024 ** 3)));
  for (let i = 0; i < (gib * 1024 ** 3) / piece; i++) if (!out.write(zeros)) await once(out, 'drain');
  out.end(gzipSync(Buffer.alloc(1024)));
  await once(out, 'finish');
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
