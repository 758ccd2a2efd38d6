import { describe, expect, it } from 'vitest';
import { takeToken, type TokenWindow } from './session-token.js';

function fakeWindow(href: string): TokenWindow & { urls: string[]; store: Map<string, string> } {
  const store = new Map<string, string>();
  const urls: string[] = [];
  return {
    urls,
    store,
    location: { href },
    history: { state: null, replaceState: (_data, _unused, url) => void urls.push(url) },
    sessionStorage: { getItem: (key) => store.get(key) ?? null, setItem: (key, value) => void store.set(key, value) },
  };
}

describe('session token', () => {
  it('moves the token from the address bar to this tab, keeping the rest of the URL', () => {
    const win = fakeWindow('http://127.0.0.1:4000/repo?x=1&token=secret-token-1234#frag');
    expect(takeToken(win)).toBe('secret-token-1234');
    expect(win.urls).toEqual(['/repo?x=1#frag']);
    expect(win.store.get('stevedore.sessionToken')).toBe('secret-token-1234');
  });

  it('finds it again after a reload, when the address no longer has it', () => {
    expect(takeToken(fakeWindow('http://127.0.0.1:4000/'))).toBeUndefined();
    const first = fakeWindow('http://127.0.0.1:4000/?token=secret-token-5678');
    takeToken(first);
    const reloaded = fakeWindow('http://127.0.0.1:4000/');
    reloaded.store.set('stevedore.sessionToken', first.store.get('stevedore.sessionToken') ?? '');
    expect(takeToken(reloaded)).toBe('secret-token-5678');
    expect(reloaded.urls).toEqual([]);
  });
});
