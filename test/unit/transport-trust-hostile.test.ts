// The Transport's TLS trust against hostile or unusual surroundings: a deferred extra-CA file that is a FIFO or huge
// (read only if regular and bounded, as every file the engine reads), NODE_EXTRA_CA_CERTS loaded by Node beside a
// deferred file, and the path taken when Node's context offers no addCACert. Each case runs in a child process (the
// deferred file is process-wide state) with a deadline, so a hang is a failure, not a stuck test run.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makePki, type Pki } from '../harness/pki.js';

const TRANSPORT = new URL('../../electron/core/http/transport.js', import.meta.url).href;
const HANDOVER = new URL('../../electron/cli/extra-ca-handover.js', import.meta.url).href;

// Takes the launcher's handover back as the CLI's entry does, then GETs each URL once; prints what each answered.
const SCRIPT = `
import { Transport } from ${JSON.stringify(TRANSPORT)};
import { takeDeferredExtraCa } from ${JSON.stringify(HANDOVER)};
takeDeferredExtraCa();
if (process.env.TEST_NO_ADD_CA) {
  const tls = process.getBuiltinModule('node:tls');
  const create = tls.createSecureContext;
  tls.createSecureContext = (options) => { const context = create(options); context.context.addCACert = undefined; return context; };
}
const transport = new Transport({ tls: JSON.parse(process.env.TEST_TLS ?? '{}'), retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } });
const answers = [];
for (const url of JSON.parse(process.env.TEST_URLS)) {
  try { answers.push(await (await transport.send({ method: 'GET', url })).body.text()); } catch (error) { answers.push(error.code ?? error.message); }
}
await transport.close();
process.stdout.write(JSON.stringify({ answers, childExtra: process.env.NODE_EXTRA_CA_CERTS ?? null }));
`;

interface ChildResult {
  readonly code: number | string | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runChild(env: NodeJS.ProcessEnv): Promise<ChildResult> {
  const { NODE_EXTRA_CA_CERTS: _extra, STEVEDORE_EXTRA_CA_CERTS: _deferred, ...rest } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', SCRIPT], { env: { ...rest, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal ?? 'killed') : 0, stdout, stderr });
    });
  });
}

describe('TLS trust in hostile surroundings', () => {
  let dir: string;
  let a: Pki;
  let b: Pki;
  const servers: Server[] = [];
  let urlA: string;
  let urlB: string;
  const serve = async (pki: Pki): Promise<string> => {
    const server = createServer({ key: await readFile(pki.serverKeyFile), cert: await readFile(pki.serverCertFile) }, (_req, res) => {
      res.setHeader('connection', 'close');
      res.end('ok');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-trust-hostile-'));
    await Promise.all([mkdir(join(dir, 'a')), mkdir(join(dir, 'b'))]);
    [a, b] = await Promise.all([makePki(join(dir, 'a')), makePki(join(dir, 'b'))]);
    [urlA, urlB] = await Promise.all([serve(a), serve(b)]);
  });
  after(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await rm(dir, { recursive: true, force: true });
  });

  it('a deferred extra-CA file that is a FIFO: one warning, not waited for; the registry CA still trusted', async () => {
    const fifo = join(dir, 'extra.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = await runChild({ STEVEDORE_EXTRA_CA_CERTS: fifo, TEST_TLS: JSON.stringify({ ca: a.caCert }), TEST_URLS: JSON.stringify([urlA]) });
    assert.equal(result.code, 0, `the child ended: ${String(result.code)} ${result.stderr}`);
    assert.deepEqual(JSON.parse(result.stdout).answers, ['ok']);
    assert.match(result.stderr, /^Warning: Ignoring extra certs from `[^`]+extra\.fifo`, load failed: [^\n]*FIFO[^\n]*\n$/);
  });

  it('a deferred extra-CA file far larger than any CA bundle: one warning, not read into memory', async () => {
    const huge = join(dir, 'huge.pem');
    await writeFile(huge, '');
    await truncate(huge, 65 * 1024 * 1024);
    const result = await runChild({ STEVEDORE_EXTRA_CA_CERTS: huge, TEST_TLS: JSON.stringify({ ca: a.caCert }), TEST_URLS: JSON.stringify([urlA]) });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).answers, ['ok']);
    assert.match(result.stderr, /^Warning: Ignoring extra certs from `[^`]+huge\.pem`, load failed: [^\n]*larger[^\n]*\n$/);
  });

  it('NODE_EXTRA_CA_CERTS that Node loaded stays trusted beside a deferred file set without the launcher', async () => {
    for (const tls of [{}, { ca: b.caCert }]) {
      const result = await runChild({ NODE_EXTRA_CA_CERTS: a.caCertFile, STEVEDORE_EXTRA_CA_CERTS: b.caCertFile, TEST_TLS: JSON.stringify(tls), TEST_URLS: JSON.stringify([urlA, urlB]) });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      const { answers, childExtra } = JSON.parse(result.stdout) as { answers: string[]; childExtra: string };
      assert.deepEqual(answers, ['ok', 'ok'], `with ${JSON.stringify(Object.keys(tls))}`);
      assert.equal(childExtra, a.caCertFile, 'child processes see NODE_EXTRA_CA_CERTS as the user set it');
    }
  });

  it('without addCACert in Node: NODE_EXTRA_CA_CERTS stays trusted beside a client certificate, as on the usual path', async () => {
    const clientCert = { cert: await readFile(b.serverCertFile, 'utf8'), key: await readFile(b.serverKeyFile, 'utf8') };
    for (const noAddCa of ['1', '']) {
      const result = await runChild({ NODE_EXTRA_CA_CERTS: a.caCertFile, TEST_NO_ADD_CA: noAddCa, TEST_TLS: JSON.stringify({ clientCert }), TEST_URLS: JSON.stringify([urlA, urlB]) });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout).answers, ['ok', 'TLS'], `addCACert removed: ${noAddCa === '1'}`);
    }
  });

  it('without addCACert in Node: a deferred file and a registry CA are both trusted, as on the usual path', async () => {
    for (const noAddCa of ['1', '']) {
      const result = await runChild({ STEVEDORE_EXTRA_CA_CERTS: b.caCertFile, TEST_NO_ADD_CA: noAddCa, TEST_TLS: JSON.stringify({ ca: a.caCert }), TEST_URLS: JSON.stringify([urlA, urlB]) });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout).answers, ['ok', 'ok'], `addCACert removed: ${noAddCa === '1'}`);
    }
  });
});
