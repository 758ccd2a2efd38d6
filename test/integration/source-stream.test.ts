// The stream a copy sends as its PATCH body, against a server that misbehaves on purpose: a body cut mid-way is
// resumed (with a Range the server may ignore), the bytes the destination holds are skipped, and bytes that are not
// the blob's make the stream fail instead of ending.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SourceBlobStream } from '../../electron/core/copy/source-stream.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { FAST_RETRY } from '../harness/clients.js';

const blob = randomBytes(3 * 1024 * 1024 + 17);
const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;

describe('source blob stream', () => {
  let server: Server;
  let host: string;
  /** How each GET is answered, by path: 'cut' sends half and drops the connection, 'full' ignores any Range. */
  const plans = new Map<string, string[]>();
  const ranges: (string | undefined)[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      const plan = plans.get(path)?.shift() ?? 'full';
      ranges.push(req.headers.range);
      const body = plan === 'wrong' ? Buffer.alloc(blob.length, 7) : plan === 'more' ? Buffer.concat([blob, Buffer.alloc(5)]) : blob;
      if (plan === 'fewer') {
        // No Content-Length (chunked): a clean end that stops short.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(blob.subarray(0, blob.length - 1));
        return;
      }
      if (plan === 'badrange') {
        // A 206 whose range does not start where the client asked.
        res.writeHead(206, { 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${blob.length - 1}/${blob.length}`, 'content-length': String(blob.length) });
        res.end(blob);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
      if (plan === 'cut') {
        res.write(body.subarray(0, 1024 * 1024), () => res.socket?.destroy());
        return;
      }
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const read = async (repository: string, skip: number): Promise<{ bytes: Buffer; stream: SourceBlobStream; resumed: number[] }> => {
    const client = new RegistryClient({ registry: host, scheme: 'http', retry: FAST_RETRY });
    const resumed: number[] = [];
    const stream = new SourceBlobStream({ client, repository, digest, size: blob.length }, { skip, retry: FAST_RETRY, onResume: (offset) => resumed.push(offset) });
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } finally {
      await client.close();
    }
    return { bytes: Buffer.concat(chunks), stream, resumed };
  };

  it('resumes a cut body from where it stopped, skips what it was told to, and ends complete', async () => {
    plans.set(`/v2/cut/blobs/${digest}`, ['cut', 'full']);
    ranges.length = 0;
    const { bytes, stream, resumed } = await read('cut', 100);
    assert.equal(resumed.length, 1, 'one resume');
    assert.ok((resumed[0] ?? 0) > 0, 'from the offset reached, not from the start');
    assert.equal(ranges[1], `bytes=${resumed[0]}-`, 'asked with a Range');
    // The server ignored the Range and sent everything: the bytes before the offset were dropped, not passed twice.
    assert.ok(bytes.equals(blob.subarray(100)), 'the blob after the skipped bytes, once');
    assert.equal(stream.complete, true);
    assert.equal(stream.total, blob.length);
  });

  it('fails with DIGEST_MISMATCH instead of ending when the bytes are not the blob', async () => {
    plans.set(`/v2/wrong/blobs/${digest}`, ['wrong']);
    await assert.rejects(read('wrong', 0), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH') && (e as Error).message.includes(digest));
  });

  it('fails when the source sends more bytes than the size, or ends short', async () => {
    plans.set(`/v2/more/blobs/${digest}`, ['more']);
    await assert.rejects(read('more', 0), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'));
    plans.set(`/v2/fewer/blobs/${digest}`, ['fewer']);
    await assert.rejects(read('fewer', 0), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'));
  });

  it('fails on a resume answered with a range from elsewhere', async () => {
    plans.set(`/v2/badrange/blobs/${digest}`, ['cut', 'badrange']);
    await assert.rejects(read('badrange', 0), (e: unknown) => isStevedoreError(e, 'INVALID_RESPONSE'));
  });

  it('gives up after a bounded number of resumes when every body is cut', async () => {
    plans.set(`/v2/cutting/blobs/${digest}`, Array.from({ length: 50 }, () => 'cut'));
    ranges.length = 0;
    await assert.rejects(read('cutting', 0), (e: unknown) => e instanceof Error);
    assert.ok(ranges.length < 20, `${ranges.length} requests`);
  });
});
