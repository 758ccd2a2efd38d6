// A blob streamed in one PATCH whose source reuses its buffers, as a push's compressed layer does (parallelGzip gives
// each member's pooled buffer back once the next member is asked for): the request's stream reads ahead of the socket,
// so it asks for the next member while the last still waits to be sent. The bytes the registry gets must be the
// blob's, not whatever the reused buffer holds by then.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { BufferPool } from '../../electron/core/push/buffer-pool.js';
import { uploadBlob } from '../../electron/core/push/blob-upload.js';
import type { UploadSessions } from '../../electron/core/registry/upload-session.js';

const CHUNK = 16 * 1024;
const CHUNKS = 64;

/** Chunk i is CHUNK bytes of the value i; each is given back to the pool once the next is asked for. */
async function* reusing(pool: BufferPool): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < CHUNKS; i++) {
    const chunk = pool.take(CHUNK).fill(i);
    yield chunk;
    pool.give(chunk);
  }
}

function expected(): Buffer {
  return Buffer.concat(Array.from({ length: CHUNKS }, (_, i) => Buffer.alloc(CHUNK, i)));
}

/** A registry whose socket is slow: the body reads ahead as far as it will before a byte is taken. */
function slowSessions(): { sessions: UploadSessions; received: () => Buffer; finished: () => string | undefined } {
  const parts: Buffer[] = [];
  let digest: string | undefined;
  const fake = {
    start: () => Promise.resolve({ kind: 'session', location: 'http://registry.test/upload/1', minChunk: 0 }),
    async patchStream(location: string, start: number, body: Uint8Array | Readable) {
      assert.ok(!(body instanceof Uint8Array), 'the blob is streamed');
      body.read(0);
      // Bounded: the read-ahead fills within a few turns, or the test learns the stream no longer reads ahead.
      for (let turn = 0; turn < 1000 && body.readableLength < body.readableHighWaterMark; turn++) await nextTurn();
      for await (const part of body) parts.push(Buffer.from(part as Uint8Array));
      const held = parts.reduce((n, p) => n + p.length, 0);
      return { location, end: start + held - 1 };
    },
    finish(_location: string, sent: string) {
      digest = sent;
      return Promise.resolve();
    },
    cancel: () => Promise.resolve(),
  };
  return { sessions: fake as unknown as UploadSessions, received: () => Buffer.concat(parts), finished: () => digest };
}

describe('streamed upload of a source that reuses its buffers', () => {
  it('sends each chunk as it was when the source gave it, however far the request reads ahead', async () => {
    const pool = new BufferPool();
    const registry = slowSessions();
    const whole = expected();
    const digest = `sha256:${createHash('sha256').update(whole).digest('hex')}`;
    const uploaded = await uploadBlob(registry.sessions, { label: 'layer', restartable: true, transient: true, open: () => reusing(pool) }, { pool });
    assert.equal(uploaded.digest, digest);
    assert.equal(registry.finished(), digest, 'the blob is committed under the digest of its bytes');
    assert.ok(registry.received().equals(whole), 'the registry got the blob byte for byte');
  });
});
