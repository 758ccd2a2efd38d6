// Every URL or header that reaches a log line, an error message or the renderer passes through here.
const SECRET_QUERY_KEYS = /^(access_token|token|password|refresh_token|client_secret|signature|x-amz-signature|x-amz-credential|sig|se|sp|_state)$/i;
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-registry-auth']);

export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//***@');
  }
  if (url.username || url.password) {
    url.username = '***';
    url.password = '';
  }
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_QUERY_KEYS.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString();
}

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '***' : value;
  }
  return out;
}
