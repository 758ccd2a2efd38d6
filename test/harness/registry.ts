// Starts the reference distribution registry (Debian's docker-registry 2.8) on a free loopback port, in one of the
// modes the tests need, and stops it afterwards (also when the test process dies).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Credential } from '../../electron/core/auth/credentials.js';
import { basicHeader } from '../../electron/core/auth/token.js';
import { run } from './exec.js';
import { makePki, makeSigningKey, type Pki } from './pki.js';
import { freePort } from './ports.js';
import { TEST_USERS, TOKEN_ISSUER, TOKEN_SERVICE, parseScope, startTokenServer, type TokenServer } from './token-server.js';

export type RegistryMode = 'none' | 'basic' | 'token' | 'tls';
export const ALL_MODES: readonly RegistryMode[] = ['none', 'basic', 'token', 'tls'];

export const ADMIN = { username: 'alice', password: TEST_USERS.alice?.password ?? '' } as const;

export interface TestRegistry {
  readonly mode: RegistryMode;
  /** `127.0.0.1:PORT`, as a reference names it. */
  readonly host: string;
  readonly url: string;
  readonly dir: string;
  readonly pki?: Pki;
  readonly tokenServer?: TokenServer;
  /** Full-rights credentials where the mode has auth. */
  readonly adminCredential?: Credential;
  /** An Authorization header with full rights for the given scopes, for seeding through the API. */
  adminAuthorization(scopes: readonly string[]): string | undefined;
  stop(): Promise<void>;
  restart(): Promise<void>;
  logs(): Promise<string>;
  /** CPU seconds (user + sys, every thread) the running registry process has used so far; undefined without /proc. */
  cpuSeconds(): number | undefined;
}

export interface RegistryOptions {
  readonly deleteEnabled?: boolean;
  /** Storage kept outside the temporary directory and left in place on stop (the benchmark reuses a seeded one). */
  readonly storageDir?: string;
  /** Accept and serve signed schema 1 manifests (compatibility.schema1), signed with the registry's own key. */
  readonly schema1?: boolean;
  /** One combined-format line per request in `logs()`, to count what the registry itself answered. */
  readonly accessLog?: boolean;
}

const IDENTITY_HEADER = 'X-Stevedore-Test-Registry';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startRegistry(mode: RegistryMode, options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), `stevedore-registry-${mode}-`));
  let port = await freePort();
  // Sent with every answer: tells this registry apart from anything else that may listen on its port.
  const identity = randomBytes(8).toString('hex');
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: options.accessLog !== true } },
    storage: {
      filesystem: { rootdirectory: options.storageDir ?? join(dir, 'data') },
      delete: { enabled: options.deleteEnabled ?? true },
      cache: { blobdescriptor: 'inmemory' },
      maintenance: { uploadpurging: { enabled: false } },
    },
    // A fixed secret keeps upload sessions valid across a restart.
    http: { addr: `127.0.0.1:${port}`, secret: 'stevedore-test-secret', headers: { 'X-Content-Type-Options': ['nosniff'], [IDENTITY_HEADER]: [identity] } },
  };
  if (options.schema1) config.compatibility = { schema1: { enabled: true } };
  let pki: Pki | undefined;
  let tokenServer: TokenServer | undefined;
  if (mode === 'basic') {
    const { stdout } = await run('htpasswd', ['-Bbn', ADMIN.username, ADMIN.password]);
    const bob = await run('htpasswd', ['-Bbn', 'bob', TEST_USERS.bob?.password ?? '']);
    await writeFile(join(dir, 'htpasswd'), `${stdout.trim()}\n${bob.stdout.trim()}\n`);
    config.auth = { htpasswd: { realm: 'stevedore-test', path: join(dir, 'htpasswd') } };
  } else if (mode === 'token') {
    const key = await makeSigningKey(dir);
    tokenServer = await startTokenServer(key.keyPem);
    config.auth = { token: { realm: tokenServer.url, service: TOKEN_SERVICE, issuer: TOKEN_ISSUER, rootcertbundle: key.certFile } };
  } else if (mode === 'tls') {
    pki = await makePki(dir);
    (config.http as Record<string, unknown>).tls = { certificate: pki.serverCertFile, key: pki.serverKeyFile };
  }
  // JSON is YAML, so the config needs no YAML writer.
  const configFile = join(dir, 'config.yml');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const logFile = join(dir, 'registry.log');

  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const log = createWriteStream(logFile, { flags: 'a' });
    const proc = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    live.add(proc);
    proc.on('exit', () => live.delete(proc));
    child = proc;
    await waitForRegistry(port, mode === 'tls', identity, proc, logFile);
  };
  const stopChild = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 3_000).unref();
    });
  };
  // The port was free when probed, but any socket of this machine may take it before docker-registry binds it (it
  // then exits saying so): it starts again on another port.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      if (attempt >= 5 || !/address already in use/.test(String(error))) throw error;
      port = await freePort();
      (config.http as Record<string, unknown>).addr = `127.0.0.1:${port}`;
      await writeFile(configFile, JSON.stringify(config, null, 2));
    }
  }
  const host = `127.0.0.1:${port}`;

  const adminCredential: Credential | undefined = mode === 'basic' || mode === 'token' ? { kind: 'basic', username: ADMIN.username, password: ADMIN.password } : undefined;
  return {
    mode,
    host,
    url: `${mode === 'tls' ? 'https' : 'http'}://${host}`,
    dir,
    ...(pki ? { pki } : {}),
    ...(tokenServer ? { tokenServer } : {}),
    ...(adminCredential ? { adminCredential } : {}),
    adminAuthorization(scopes) {
      if (mode === 'basic') return basicHeader(ADMIN.username, ADMIN.password);
      if (mode === 'token' && tokenServer) {
        const access = scopes.map(parseScope).filter((a) => a !== undefined).map((a) => ({ ...a, actions: ['*', ...a.actions] }));
        return `Bearer ${tokenServer.mint(ADMIN.username, access)}`;
      }
      return undefined;
    },
    async stop() {
      await stopChild();
      await tokenServer?.close();
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await stopChild();
      await start();
    },
    logs: () => readFile(logFile, 'utf8').catch(() => ''),
    cpuSeconds: () => (child?.pid === undefined ? undefined : processCpuSeconds(child.pid)),
  };
}

/** utime + stime of /proc/PID/stat (fields 14 and 15, counted after the command's closing parenthesis), in seconds. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Clock ticks: USER_HZ, 100 on every Linux architecture Node runs on.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Waits until this registry answers on its port. Another program may be listening there (the port was taken after it
 * was probed): only an answer carrying this registry's own identity header counts, and a registry that could not bind
 * exits, which is an error the caller may retry on another port.
 */
async function waitForRegistry(port: number, tls: boolean, identity: string, proc: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`docker-registry exited with ${proc.exitCode}: ${await readFile(logFile, 'utf8').catch(() => '')}`);
    }
    if ((await identityAt(port, tls)) === identity) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`docker-registry did not listen on ${port} within 15 s`);
}

/** The identity header of whatever answers GET /v2/ on the port, or undefined. */
function identityAt(port: number, tls: boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port, path: '/v2/', timeout: 2_000, rejectUnauthorized: false };
    const req = (tls ? httpsGet : httpGet)(options, (res) => {
      res.resume();
      const value = res.headers[IDENTITY_HEADER.toLowerCase()];
      resolve(typeof value === 'string' ? value : undefined);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
