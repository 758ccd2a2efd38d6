// A loopback registry remembered as plain HTTP is asked at once; a 400 or a failure runs the /v2/ probe, and when that
// fails too, the registry is found again (TLS first). Found plain HTTP again, it must be asked there: not sent back
// for yet another detection forever. Run in a child process with a deadline: an endless chain of promises starves the
// event loop, so no timer of this process could end it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const CLIENT = new URL('../../electron/core/registry/client.js', import.meta.url).href;
const SCHEMES = new URL('../../electron/core/registry/scheme-memory.js', import.meta.url).href;

describe('a remembered plain HTTP registry that answers 400 to everything', () => {
  let dir: string;
  let server: Server;
  let host: string;
  let requests = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-scheme-hostile-'));
    server = createServer((_req, res) => {
      requests++;
      res.statusCode = 400;
      res.end('bad request');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('gets its 400 as an answer, after one probe and one detection, instead of asking for the base forever', async () => {
    const script = `
      import { RegistryClient } from ${JSON.stringify(CLIENT)};
      import { SchemeMemory } from ${JSON.stringify(SCHEMES)};
      const schemes = new SchemeMemory(${JSON.stringify(dir)});
      schemes.remember(${JSON.stringify(host)}, 'http');
      const client = new RegistryClient({ registry: ${JSON.stringify(host)}, schemes, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } });
      let outcome;
      try { outcome = { answer: (await client.headBlob('a/b', 'sha256:${'0'.repeat(64)}')) ?? null }; } catch (error) { outcome = { code: error.code }; }
      outcome.base = await client.baseUrl();
      await client.close();
      process.stdout.write(JSON.stringify(outcome));
    `;
    const result = await new Promise<{ code: number | string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (error.code ?? error.signal ?? 'killed') : 0, stdout, stderr });
      });
    });
    assert.equal(result.code, 0, `the child ended: ${String(result.code)} ${result.stderr}`);
    const outcome = JSON.parse(result.stdout) as { code?: string; base: string };
    assert.equal(outcome.base, `http://${host}`);
    assert.ok(outcome.code !== undefined, 'a 400 to a HEAD is an error');
    // The request, the HEAD /v2/ probe, then the request again on the base found again (the TLS attempt fails).
    assert.equal(requests, 3);
  });
});
