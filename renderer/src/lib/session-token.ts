// The web host's session token, kept by this tab only: read once from the `?token=` the page was opened with, then
// removed from the address bar (and so from history and bookmarks) and kept in sessionStorage, which is per origin
// (port included) and per tab, so a reload still works. Never a cookie: cookies for 127.0.0.1 go to every port.
const KEY = 'stevedore.sessionToken';

let token: string | undefined;

export interface TokenWindow {
  readonly location: { readonly href: string };
  readonly history: { readonly state: unknown; replaceState(data: unknown, unused: string, url: string): void };
  readonly sessionStorage?: Pick<Storage, 'getItem' | 'setItem'>;
}

function stored(win: TokenWindow): string | undefined {
  try {
    return win.sessionStorage?.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Moves the address bar's token into the tab's storage; returns it, or the one stored before (a reload). */
export function takeToken(win: TokenWindow): string | undefined {
  const url = new URL(win.location.href);
  const given = url.searchParams.get('token');
  if (!given) return stored(win);
  try {
    win.sessionStorage?.setItem(KEY, given);
  } catch {
    // Storage refused (private mode): the token stays in memory for this page's life.
  }
  url.searchParams.delete('token');
  win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return given;
}

/** Takes the token out of the address bar into this tab. Safe to call more than once. */
export function adoptSessionToken(win: TokenWindow | undefined = typeof window !== 'undefined' ? window : undefined): string | undefined {
  if (win) token = takeToken(win) ?? token;
  return token;
}

export function sessionToken(): string | undefined {
  return token ?? adoptSessionToken();
}
