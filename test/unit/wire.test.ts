// The socket's size cap fits every request the contract allows: the largest schema-valid request, built with every
// string at its limit in the characters JSON spends most bytes on, is under MAX_CLIENT_MESSAGE_BYTES. A bigger one
// never leaves the client: it gets TOO_LARGE, and the socket stays open.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requests } from '../../shared/contract.js';
import { webSocketTransport, type SocketLike } from '../../shared/web-transport.js';
import { MAX_CLIENT_MESSAGE_BYTES, type ClientMessage } from '../../shared/wire.js';

/** A control character: one UTF-16 unit that JSON writes as six bytes (\u0001). */
const worst = (length: number): string => '\u0001'.repeat(length);

const bytesOf = (message: ClientMessage): number => Buffer.byteLength(JSON.stringify(message));

describe('the WebSocket size cap', () => {
  it('holds the largest schema-valid request (registries:save at every limit)', () => {
    const args = {
      profile: {
        id: worst(200),
        name: worst(100),
        url: worst(500),
        credentialSource: 'docker-config',
        username: worst(200),
        caFile: worst(4096),
        insecure: false,
        concurrency: 32,
        bookmarks: Array.from({ length: 10_000 }, (_, i) => `${'a'.repeat(245)}${String(i).padStart(10, '0')}`),
      },
      secret: worst(10_000),
    };
    assert.ok(requests['registries:save'].args.safeParse(args).success, 'not schema-valid');
    const size = bytesOf({ type: 'request', id: Number.MAX_SAFE_INTEGER, channel: 'registries:save', args });
    assert.ok(size > 1024 * 1024, `the old 1 MiB cap would have held it (${size} bytes)`);
    assert.ok(size <= MAX_CLIENT_MESSAGE_BYTES, `${size} bytes is over the cap`);
  });

  it('holds the largest compare:images and push:start requests', () => {
    const image = { registryId: worst(200), repository: 'a'.repeat(255), reference: `sha512:${'a'.repeat(128)}`, platform: worst(100) };
    const compare = { images: Array.from({ length: 8 }, () => image) };
    const push = { path: worst(4096), imageId: Number.MAX_SAFE_INTEGER, registryId: worst(200), repository: 'a'.repeat(255), tag: `a${'b'.repeat(127)}`, compression: 'keep' };
    for (const [channel, args] of [['compare:images', compare], ['push:start', push]] as const) {
      assert.ok(requests[channel].args.safeParse(args).success, `${channel} not schema-valid`);
      assert.ok(bytesOf({ type: 'request', id: 1, channel, args }) <= MAX_CLIENT_MESSAGE_BYTES, channel);
    }
  });

  it('refuses a bigger request on the client with TOO_LARGE, without sending it or closing the socket', async () => {
    const sent: string[] = [];
    let closed = false;
    const socket: SocketLike = { readyState: 1, send: (data) => void sent.push(data), close: () => void (closed = true), addEventListener: () => undefined };
    const transport = webSocketTransport({ url: 'ws://127.0.0.1:1/ws', createSocket: () => socket });
    const result = await transport.invoke('registries:save', { profile: { name: 'x', url: 'y', credentialSource: 'none', bookmarks: ['b'.repeat(MAX_CLIENT_MESSAGE_BYTES)] } });
    assert.equal(result.ok ? 'sent' : result.error.code, 'TOO_LARGE');
    assert.match(result.ok ? '' : result.error.message, /registries:save: the request is larger than 4 MiB/);
    assert.deepEqual(sent, []);
    assert.equal(closed, false);
    void transport.invoke('registries:list', {});
    assert.equal(sent.length, 1);
  });
});
