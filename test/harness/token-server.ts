// A small token server for the registry's token auth: Basic-authenticated GET and OAuth2 POST, per-user grants.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signToken, type Access } from './jwt.js';
import { freePort } from './ports.js';

export const TOKEN_ISSUER = 'stevedore-test-issuer';
export const TOKEN_SERVICE = 'stevedore-test-registry';

/** alice may do anything; bob may only pull; anonymous may pull `public/*`. */
export const TEST_USERS: Readonly<Record<string, { readonly password: string; readonly refreshToken: string }>> = {
  alice: { password: 'alice-pass', refreshToken: 'alice-refresh-token' },
  bob: { password: 'bob-pass', refreshToken: 'bob-refresh-token' },
};

export interface TokenRequestLog {
  readonly method: string;
  readonly account: string | undefined;
  readonly scopes: readonly string[];
  readonly grantType?: string;
  readonly authorization?: string;
}

export interface TokenServerOptions {
  /** Answer with `access_token` only (the OAuth2 spelling) instead of `token`. */
  accessTokenOnly: boolean;
  /** Answer POSTs with 404, as registries that only know the GET flow do. */
  rejectPost: boolean;
  expiresInS: number;
}

export interface TokenServer {
  readonly url: string;
  readonly requests: TokenRequestLog[];
  /** Every token this server handed out over HTTP, so tests can make sure none leaks. */
  readonly issued: readonly string[];
  readonly options: TokenServerOptions;
  /** A token minted directly, for the harness's own seeding. */
  mint(subject: string, access: readonly Access[]): string;
  close(): Promise<void>;
}

function allowedActions(user: string | undefined, type: string, name: string): readonly string[] {
  if (type === 'registry' && name === 'catalog') return user === 'alice' ? ['*'] : [];
  if (type !== 'repository') return [];
  if (user === 'alice') return ['pull', 'push', 'delete', '*'];
  if (user === 'bob') return ['pull'];
  return name.startsWith('public/') ? ['pull'] : [];
}

export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter(Boolean) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startTokenServer(signingKeyPem: string): Promise<TokenServer> {
  const portFor = await freePort();
  const requests: TokenRequestLog[] = [];
  const issued: string[] = [];
  const options: TokenServerOptions = { accessTokenOnly: false, rejectPost: false, expiresInS: 300 };
  const mint = (subject: string, access: readonly Access[]): string =>
    signToken(signingKeyPem, { issuer: TOKEN_ISSUER, subject, audience: TOKEN_SERVICE, access, expiresInS: options.expiresInS });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let user: string | undefined;
      let scopes: string[];
      let grantType: string | undefined;
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
      if (req.method === 'POST') {
        if (options.rejectPost) {
          res.writeHead(404).end();
          return;
        }
        const form = new URLSearchParams(await readBody(req));
        grantType = form.get('grant_type') ?? undefined;
        scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        if (grantType === 'refresh_token') {
          user = Object.entries(TEST_USERS).find(([, u]) => u.refreshToken === form.get('refresh_token'))?.[0];
        } else if (grantType === 'password') {
          const name = form.get('username') ?? '';
          user = TEST_USERS[name]?.password === form.get('password') ? name : undefined;
        }
        requests.push({ method: 'POST', account: user, scopes, ...(grantType ? { grantType } : {}) });
        if (user === undefined) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
          return;
        }
      } else {
        scopes = url.searchParams.getAll('scope');
        if (basic) {
          const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
          const colon = decoded.indexOf(':');
          const name = decoded.slice(0, colon);
          if (TEST_USERS[name]?.password !== decoded.slice(colon + 1)) {
            requests.push({ method: 'GET', account: name, scopes, authorization: 'basic-wrong' });
            res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="token"' }).end('{"details":"wrong password"}');
            return;
          }
          user = name;
        }
        requests.push({ method: 'GET', account: user, scopes, ...(basic ? { authorization: 'basic' } : {}) });
      }
      const access: Access[] = [];
      for (const scope of scopes) {
        const parsed = parseScope(scope);
        if (!parsed) continue;
        const allowed = allowedActions(user, parsed.type, parsed.name);
        const granted = parsed.actions.filter((a) => allowed.includes(a) || allowed.includes('*'));
        if (granted.length > 0) access.push({ ...parsed, actions: granted });
      }
      const token = mint(user ?? '', access);
      issued.push(token);
      const body = options.accessTokenOnly
        ? { access_token: token, expires_in: options.expiresInS }
        : { token, access_token: token, expires_in: options.expiresInS, issued_at: new Date().toISOString() };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  // From freePort, like the registries it serves: a kernel-picked port here could be one just handed to a registry
  // that is starting beside it.
  await new Promise<void>((resolve) => server.listen(portFor, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    requests,
    issued,
    options,
    mint,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
