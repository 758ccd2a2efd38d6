// Chromium's answer to "which proxy for this URL" (Electron's session.resolveProxy, PAC scripts included), in PAC
// result syntax: "PROXY host:port; HTTPS host:port; SOCKS5 host:port; DIRECT". The engine's transport speaks HTTP(S)
// proxies only, so the first of those wins; an answer with only SOCKS entries says so rather than going direct.
export type ProxyChoice =
  | { readonly kind: 'direct' }
  | { readonly kind: 'proxy'; readonly url: string }
  | { readonly kind: 'unsupported'; readonly rule: string };

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export function proxyFromPacResult(result: string): ProxyChoice {
  const rules = result.split(';').map((r) => r.trim()).filter(Boolean);
  if (rules.length === 0) return { kind: 'direct' };
  let unsupported: string | undefined;
  for (const rule of rules) {
    const [type = '', target = ''] = rule.split(/\s+/, 2);
    const upper = type.toUpperCase();
    if (upper === 'DIRECT') return unsupported === undefined ? { kind: 'direct' } : { kind: 'unsupported', rule: unsupported };
    const match = HOST_PORT.exec(target);
    const port = match ? Number(match[2]) : 0;
    if ((upper === 'PROXY' || upper === 'HTTP' || upper === 'HTTPS') && match && port > 0 && port < 65536) {
      return { kind: 'proxy', url: `${upper === 'HTTPS' ? 'https' : 'http'}://${match[1]}:${port}` };
    }
    unsupported ??= rule;
  }
  return { kind: 'unsupported', rule: unsupported ?? result };
}
