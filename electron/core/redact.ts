// Every URL, header or text that reaches a log line, an error message or the renderer passes through here: the one
// place that knows what a secret looks like.

/** Names whose values are secrets wherever they appear: query strings, forms, JSON fields, headers, log fields. */
export const SECRET_NAMES: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'identitytoken',
  'registrytoken',
  'auth',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-registry-auth',
  // Signed URLs of object storage (S3, Azure, GCS) and the registry's upload state.
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'sig',
  'se',
  'sp',
  '_state',
];

const SECRET_SET = new Set(SECRET_NAMES);
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-registry-auth']);
const MASK = '***';

export function isSecretName(name: string): boolean {
  return SECRET_SET.has(name.toLowerCase());
}

const NAMES = SECRET_NAMES.map((n) => n.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
// `name=value` in a query or form; the name must not be the tail of a longer name (`grant_type=password` is fine).
const PAIR = new RegExp(`(?<![\\w.-])(${NAMES})=([^&\\s"'<>;,]*)`, 'gi');
// `"name": "value"` in JSON text (escaped quotes included).
const JSON_FIELD = new RegExp(`"(${NAMES})"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
// `Authorization: ...` as a header line (at the start of a line, so prose that mentions authorization stays).
const HEADER_LINE = /^([ \t]*(?:proxy-authorization|authorization|set-cookie|cookie|x-registry-auth))([ \t]*:[ \t]*)[^\r\n]+/gim;
// A credential after its scheme: one with a digit or symbol, or a long one, so "Basic or Bearer" in prose stays;
// challenge parameters (`Bearer realm="..."`) are not credentials.
const SCHEME_CREDENTIAL = /\b(Basic|Bearer)[ \t]+(?!(?:realm|service|scope|error|charset|error_description)=)(?:(?=[A-Za-z]*[0-9\-._~+/=])[A-Za-z0-9\-._~+/]+=*|[A-Za-z]{20,})/gi;
// user:password@ in any URL, scheme-relative too; the authority ends at the first /, ?, # or space, so the last @ before it counts.
const USERINFO = /((?:\b[a-z][a-z0-9+.-]*:)?\/\/)[^\s/?#"'<>]*@/gi;
// A bare JWT (registry tokens are JWTs): header.payload.signature, base64url.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** Masks every secret this module can recognise in free text: error messages, response bodies, log strings. */
export function redactText(text: string): string {
  return text
    .replace(USERINFO, `$1${MASK}@`)
    .replace(JSON_FIELD, `"$1"$2"${MASK}"`)
    .replace(HEADER_LINE, `$1$2${MASK}`)
    .replace(SCHEME_CREDENTIAL, `$1 ${MASK}`)
    .replace(PAIR, `$1=${MASK}`)
    .replace(JWT, MASK);
}

export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return redactText(raw);
  }
  if (url.username || url.password) {
    url.username = MASK;
    url.password = '';
  }
  // The query as sent (digests keep their `:`), masked as text; a secret under a percent-encoded name is caught by
  // the parsed check, which re-encodes the query.
  const text = redactText(url.toString());
  let masked: URL;
  try {
    masked = new URL(text);
  } catch {
    return text;
  }
  for (const [key, value] of [...masked.searchParams]) {
    if (isSecretName(key) && value !== MASK) masked.searchParams.set(key, MASK);
  }
  return masked.toString();
}

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? MASK : redactText(value);
  }
  return out;
}

const MAX_DEPTH = 8;

/** A copy of a log record with every secret field masked and every string redacted; deeper than 8 levels is cut. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretName(key) && item !== undefined && item !== null ? MASK : redactValue(item, depth + 1);
  }
  return out;
}
