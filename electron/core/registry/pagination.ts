// Following `Link: <...>; rel="next"` across catalog and tag pages, kept on the registry's own origin.
export function nextPageUrl(linkHeader: string | undefined, requestUrl: string): string | undefined {
  if (!linkHeader) return undefined;
  for (const part of linkHeader.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!match || !/(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(match[2] ?? '')) continue;
    const next = new URL(match[1] ?? '', requestUrl);
    return next.origin === new URL(requestUrl).origin ? next.toString() : undefined;
  }
  return undefined;
}
