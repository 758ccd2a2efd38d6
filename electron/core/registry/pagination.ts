// Following `Link: <...>; rel="next"` across catalog and tag pages: kept on the registry's own origin, ended with a
// clear error when the links loop or the listing runs past MAX_PAGES.
import { createHash } from 'node:crypto';
import { StevedoreError } from '../errors.js';

/** Pages in one listing, at most: 100 million names at the usual 1,000 a page. */
export const MAX_PAGES = 100_000;

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

/**
 * Where a listing has been, in constant space so that it fits in the cursor handed to the UI: the pages visited and
 * a fingerprint of one earlier page (Brent's cycle detection). The mark moves to every page whose number is a power
 * of two, so a loop of any length is caught within about twice its start plus its length.
 */
export interface PageTrail {
  readonly pages: number;
  readonly mark?: string;
}

export const NEW_TRAIL: PageTrail = { pages: 0 };

function fingerprint(url: string): string {
  const plain = new URL(url);
  plain.hash = '';
  return createHash('sha256').update(plain.toString()).digest('hex').slice(0, 16);
}

/** Records that `url` is about to be fetched; throws when it was seen as the mark, or past the page limit. */
export function visitPage(trail: PageTrail, url: string, what: string): PageTrail {
  if (trail.pages >= MAX_PAGES) throw new StevedoreError('TOO_LARGE', `${what}: more than ${MAX_PAGES.toLocaleString('en-US')} pages, stopped there`);
  const print = fingerprint(url);
  if (print === trail.mark) throw new StevedoreError('INVALID_RESPONSE', `${what}: the registry's Link headers loop (a page came round again)`);
  const moves = (trail.pages & (trail.pages - 1)) === 0;
  return { pages: trail.pages + 1, mark: moves ? print : trail.mark };
}

const TRAIL_FRAGMENT = /^#trail=(\d{1,9})(?:\.([0-9a-f]{16}))?$/;

/** A cursor for the UI: the next page's URL with the trail in its fragment (never sent to the registry). */
export function cursorOf(nextUrl: string, trail: PageTrail): string {
  const url = new URL(nextUrl);
  url.hash = `trail=${trail.pages}${trail.mark ? `.${trail.mark}` : ''}`;
  return url.toString();
}

/** The URL to fetch and the trail so far, from a cursor made by cursorOf (a bare URL starts a new trail). */
export function fromCursor(cursor: URL): { url: string; trail: PageTrail } {
  const match = TRAIL_FRAGMENT.exec(cursor.hash);
  const url = new URL(cursor);
  url.hash = '';
  if (!match) return { url: url.toString(), trail: NEW_TRAIL };
  return { url: url.toString(), trail: { pages: Number(match[1]), ...(match[2] ? { mark: match[2] } : {}) } };
}
