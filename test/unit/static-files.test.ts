// The web host's page and scripts come from memory, read once at start through the safe reader: a symlink, a FIFO or
// a file swapped in or added under the directory later is never served; a path outside it never is either.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { staticSite, type StaticSite } from '../../electron/web/static-files.js';

const POSIX = { skip: process.platform === 'win32' };

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer for ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('the web host static site', POSIX, () => {
  const dir = mkdtempSync(join(tmpdir(), 'stevedore-static-'));
  const site = join(dir, 'site');
  let server: Server;
  let port = 0;
  let served: StaticSite;

  before(async () => {
    mkdirSync(join(site, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'secret.txt'), 'root:x:0:0 the secret\n');
    writeFileSync(join(site, 'index.html'), '<title>Stevedore</title>');
    writeFileSync(join(site, 'assets', 'app-AbCd1234.js'), 'console.log(1)');
    symlinkSync(join(dir, 'secret.txt'), join(site, 'assets', 'leak-AbCd1234.js'));
    symlinkSync(join(dir, 'secret.txt'), join(site, 'favicon.ico'));
    execFileSync('mkfifo', [join(site, 'assets', 'fifo-AbCd1234.js')]);
    served = staticSite(site);
    server = createServer((req, res) => void served.serve(req, new URL(req.url ?? '/', 'http://127.0.0.1').pathname, res, {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page and its assets, and never what a symlink or a FIFO in the folder leads to', async () => {
    assert.equal((await get(port, '/')).body, '<title>Stevedore</title>');
    assert.equal((await get(port, '/assets/app-AbCd1234.js')).body, 'console.log(1)');
    for (const path of ['/assets/leak-AbCd1234.js', '/favicon.ico', '/assets/fifo-AbCd1234.js']) {
      const answer = await get(port, path);
      assert.equal(answer.status, 404, path);
      assert.ok(!answer.body.includes('secret'), `${path} served ${answer.body}`);
    }
  });

  it('serves what it read at start, whatever is swapped in or added under the folder later', async () => {
    await served.ready;
    rmSync(join(site, 'assets', 'app-AbCd1234.js'));
    symlinkSync(join(dir, 'secret.txt'), join(site, 'assets', 'app-AbCd1234.js'));
    writeFileSync(join(site, 'assets', 'late-AbCd1234.js'), 'added later');
    writeFileSync(join(site, 'index.html'), 'swapped');
    assert.equal((await get(port, '/assets/app-AbCd1234.js')).body, 'console.log(1)');
    assert.equal((await get(port, '/assets/late-AbCd1234.js')).status, 404);
    assert.equal((await get(port, '/')).body, '<title>Stevedore</title>');
    // A client-side route is the page, from memory too.
    assert.equal((await get(port, '/registries/x')).body, '<title>Stevedore</title>');
  });

  it('never serves a path outside the folder, however it is spelled', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%2e%2e%2f%2e%2e%2fsecret.txt']) {
      const answer = await get(port, path);
      assert.ok(!answer.body.includes('secret'), `${path} served ${answer.body}`);
    }
  });
});
