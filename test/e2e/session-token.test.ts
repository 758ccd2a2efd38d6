// The web host's session token in a real browser: it leaves the address bar, is never a cookie, and never reaches
// another local port. A second local web server, visited in the same browser after the app, records every request
// it gets (a page, an image, a fetch with credentials) and must see neither the token nor any cookie. The tab keeps
// working across reloads and navigation; a tab without the token is told how to get one.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { WebHost } from '../../electron/web/server.js';
import { startTestWebHost } from '../harness/web-host.js';
import { launchBrowser, screenshot } from '../harness/browser.js';

interface Seen {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** Another local site on another port: it serves a page that loads an image and fetches with credentials. */
async function startRecorder(): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>elsewhere</title><img src="/img.png" alt="">
<script>fetch('/fetch', { credentials: 'include' }).then(() => { document.title = 'fetched'; });</script>`);
      return;
    }
    res.writeHead(req.url === '/img.png' ? 404 : 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

describe('the session token in a browser', () => {
  let web: WebHost;
  let work: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stevedore-token-'));
    web = await startTestWebHost(work, [], { uploadRoot: work });
    recorder = await startRecorder();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    recorder?.server.close();
    await rm(work, { recursive: true, force: true });
  });

  const appWorks = async (p: Page): Promise<void> => {
    // Shown only once registries:list came back over the authenticated socket.
    await p.getByText('Add a registry to begin.').waitFor();
  };

  it('opens with the token, drops it from the address bar and keeps no cookie', async () => {
    await page.goto(web.url);
    await appWorks(page);
    assert.equal(page.url(), `http://127.0.0.1:${web.port}/`);
    assert.equal(await page.evaluate('document.cookie'), '');
    assert.deepEqual(await context.cookies(), []);
    assert.equal(await page.evaluate("sessionStorage.getItem('stevedore.sessionToken')"), web.token);
  });

  it('sends nothing that grants access to another local port', async () => {
    await page.goto(`http://127.0.0.1:${recorder.port}/page`);
    await page.waitForFunction("document.title === 'fetched'");
    await page.waitForLoadState('load');
    const paths = recorder.seen.map((s) => s.url);
    for (const wanted of ['/page', '/img.png', '/fetch']) assert.ok(paths.includes(wanted), `the recorder never saw ${wanted}: ${paths.join(' ')}`);
    for (const request of recorder.seen) {
      assert.equal(request.headers.cookie, undefined, `${request.url} came with a cookie`);
      assert.ok(!JSON.stringify(request).includes(web.token), `${request.url} carried the token`);
    }
    assert.deepEqual(await context.cookies(), []);
  });

  it('keeps working in its tab after navigating back and reloading', async () => {
    await page.goto(`http://127.0.0.1:${web.port}/`);
    await appWorks(page);
    await page.reload();
    await appWorks(page);
    await screenshot(page, 'token-reloaded');
  });

  it('tells a tab opened without the token how to get one', async () => {
    const other = await context.newPage();
    await other.goto(`http://127.0.0.1:${web.port}/`);
    await other.getByText('AUTH_REQUIRED').waitFor();
    await other.getByText(/no session token/).waitFor();
    await other.close();
  });
});
