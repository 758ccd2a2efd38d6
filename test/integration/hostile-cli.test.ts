// The CLI against a registry that misbehaves: escape sequences in its messages, 150,000 tags, looping Links, a
// trickling answer; and --creds, which shows the password to every local user.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_STDIN_PASSWORD_BYTES } from '../../electron/cli/run-command.js';
import { runCli } from '../harness/cli.js';

const TAGS = 150_000;
const TITLE_ATTACK = '\x1b]0;pwned\x07';
// Raw control characters a terminal would act on: ESC, BEL, CSI (C1), bidi override.
// eslint-disable-next-line no-control-regex -- looking for them is the point
const RAW_CONTROL = /[\x07\x1b\x9b\u202e]/;

describe('CLI against a hostile registry', () => {
  let server: Server;
  let host: string;
  let home: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      };
      if (url.pathname === '/v2/') return json(200, {});
      if (url.pathname === '/v2/many/tags/list') return json(200, { name: 'many', tags: Array.from({ length: TAGS }, (_, i) => `v${i}`) });
      if (url.pathname === '/v2/evil/tags/list') return json(403, { errors: [{ code: 'DENIED', message: `${TITLE_ATTACK}\x9b2J\u202eno entry` }] });
      if (url.pathname === '/v2/_catalog') {
        const last = url.searchParams.get('last');
        const next = last === 'a' ? 'b' : 'a';
        return json(200, { repositories: [last === null ? 'a' : `${last}-next`] }, { link: `</v2/_catalog?last=${next}&n=1000>; rel="next"` });
      }
      if (url.pathname === '/v2/trickle/tags/list') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
        res.write('{');
        const timer = setInterval(() => res.write(' '), 2_000);
        res.on('close', () => clearInterval(timer));
        return;
      }
      json(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'no such repository' }] });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    home = await mkdtemp(join(tmpdir(), 'stevedore-hostile-cli-'));
    env = { ...process.env, DOCKER_CONFIG: home, STEVEDORE_CACHE_DIR: join(home, 'cache') };
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(home, { recursive: true, force: true });
  });

  it('shows escape sequences in a registry message as text, never raw', async () => {
    const result = await runCli(['tags', `${host}/evil`], env);
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stderr, RAW_CONTROL);
    assert.ok(result.stderr.includes('\\x1b]0;pwned\\x07\\x9b2J\\u202eno entry'), result.stderr);
    assert.match(result.stderr, /^stevedore: .*\[DENIED\]\n$/);
    const json = await runCli(['tags', `${host}/evil`, '--json'], env);
    assert.doesNotMatch(json.stderr, RAW_CONTROL);
  });

  it('prints 150,000 tags sent in one page', async () => {
    const result = await runCli(['tags', `${host}/many`], env);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, TAGS);
    assert.equal(lines.at(-1), `v${TAGS - 1}`);
    const json = await runCli(['tags', `${host}/many`, '--json'], env);
    assert.equal((JSON.parse(json.stdout) as string[]).length, TAGS);
  });

  it('ends a catalog whose Link headers loop with one clear error', async () => {
    const result = await runCli(['ls', host], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^stevedore: catalog of .*the registry's Link headers loop.*\[INVALID_RESPONSE\]\n$/);
    assert.ok(result.stdout.split('\n').length < 10, 'a few pages, not thousands');
  });

  it('gives up on an answer that trickles, within the configured limits', async () => {
    const result = await runCli(['tags', `${host}/trickle`], { ...env, STEVEDORE_HTTP_TIMEOUT: '1', STEVEDORE_HTTP_IDLE_TIMEOUT: '0.5' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^stevedore: .*\/v2\/trickle\/tags\/list.*\[TIMEOUT\]\n$/);
    const bad = await runCli(['tags', `${host}/many`], { ...env, STEVEDORE_HTTP_TIMEOUT: 'soon' });
    assert.match(bad.stderr, /STEVEDORE_HTTP_TIMEOUT takes a number of seconds.*\[CONFIG\]/);
  });

  it('warns once that --creds shows the password in the process list, and never prints it', async () => {
    const result = await runCli(['tags', `${host}/many`, '--creds', 'user:s3cret-in-argv'], env);
    assert.equal(result.code, 0, result.stderr);
    const warnings = result.stderr.split('\n').filter((l) => l !== '');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^stevedore: warning: --creds .*process list.*--password-stdin/);
    assert.ok(!result.stderr.includes('s3cret-in-argv'));
    const stdin = await runCli(['tags', `${host}/many`, '--username', 'user', '--password-stdin'], env, 's3cret\n');
    assert.equal(stdin.stderr, '');
  });

  it('reads at most MAX_STDIN_PASSWORD_BYTES for --password-stdin, and says so past it', async () => {
    // One byte past the bound, so the CLI reads all of it (no write to a pipe it has stopped reading).
    const flood = await runCli(['tags', `${host}/many`, '--username', 'user', '--password-stdin'], env, 'x'.repeat(MAX_STDIN_PASSWORD_BYTES + 1));
    assert.notEqual(flood.code, 0);
    assert.match(flood.stderr, new RegExp(`--password-stdin takes a password of at most ${MAX_STDIN_PASSWORD_BYTES} bytes; stdin holds more.*\\[TOO_LARGE\\]`));
    const longest = await runCli(['tags', `${host}/many`, '--username', 'user', '--password-stdin'], env, 'x'.repeat(MAX_STDIN_PASSWORD_BYTES));
    assert.equal(longest.code, 0, longest.stderr);
  });
});
